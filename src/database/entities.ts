import { AuditEvent } from '../modules/audit/audit-event.entity';
import { AuthSession } from '../modules/auth/auth-session.entity';
import { RecoveryCode } from '../modules/auth/recovery-code.entity';
import { RefreshToken } from '../modules/auth/refresh-token.entity';
import { UserToken } from '../modules/auth/user-token.entity';
import { Practice } from '../modules/practices/practice.entity';
import { User } from '../modules/users/user.entity';

/** Every entity, listed once, for the app, the CLI data source and the schema-drift check. */
export const ENTITIES = [Practice, User, AuthSession, RefreshToken, UserToken, RecoveryCode, AuditEvent];
