import { Global, Module } from '@nestjs/common';
import { ClinicalAccess } from './clinical-access.service';

@Global()
@Module({ providers: [ClinicalAccess], exports: [ClinicalAccess] })
export class AccessModule {}
