import { Global, Module } from '@nestjs/common';
import { EnvSchema } from '../../config/env.schema';
import { FieldEncryption } from './field-encryption';

/** Field-level encryption for clinical text, keyed from ENCRYPTION_KEYS. */
@Global()
@Module({
  providers: [{ provide: FieldEncryption, inject: [EnvSchema], useFactory: (c: EnvSchema) => new FieldEncryption(c.ENCRYPTION_KEYS) }],
  exports: [FieldEncryption],
})
export class CryptoModule {}
