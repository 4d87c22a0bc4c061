import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/env.schema';
import { typeormOptions } from './typeorm-options';

/** Used by the TypeORM CLI (migration:run, migration:generate). */
export default new DataSource(typeormOptions(loadConfig().DATABASE_URL));
