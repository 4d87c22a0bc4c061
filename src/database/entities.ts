import { AuditEvent } from '../modules/audit/audit-event.entity';
import { AuthSession } from '../modules/auth/auth-session.entity';
import { RecoveryCode } from '../modules/auth/recovery-code.entity';
import { RefreshToken } from '../modules/auth/refresh-token.entity';
import { UserToken } from '../modules/auth/user-token.entity';
import { Practice } from '../modules/practices/practice.entity';
import { User } from '../modules/users/user.entity';
import { CheckInSchedule } from '../modules/check-in-schedules/check-in-schedule.entity';
import { HomeworkAssignee, HomeworkAssignment, HomeworkInstance, HomeworkSubmission } from '../modules/homework/homework.entity';
import { Notification, NotificationDelivery, WebhookEndpoint } from '../modules/notifications/notification.entity';
import { OneTapToken } from '../modules/one-tap/one-tap-token.entity';
import { Agreement, AgreementAcknowledgement, AgreementRevision } from '../modules/agreements/agreement.entity';
import { CheckIn } from '../modules/check-ins/check-in.entity';
import { PracticeCheckInMeasure } from '../modules/check-in-measures/practice-check-in-measure.entity';
import { FrameworkCheckInMeasure, FrameworkStep, FrameworkVersion } from '../modules/framework/framework.entity';
import { HomeworkTemplate } from '../modules/framework/homework-template.entity';
import { PlanEvent, PlanGoal, PlanObjective, PlanStep, TreatmentPlan } from '../modules/treatment-plans/treatment-plan.entity';
import { CareTeamMember } from '../modules/care-teams/care-team-member.entity';
import { Client } from '../modules/clients/client.entity';
import { Couple, CoupleMember } from '../modules/couples/couple.entity';
import { ClinicalNote, ClinicalNoteAddendum } from '../modules/notes/clinical-note.entity';
import { SafetyFlag } from '../modules/safety-flags/safety-flag.entity';
import { CalendarFeed, ClinicalSession, SessionParticipant } from '../modules/sessions/clinical-session.entity';

/** Every entity, listed once, for the app, the CLI data source and the schema-drift check. */
export const ENTITIES = [
  Practice,
  User,
  AuthSession,
  RefreshToken,
  UserToken,
  RecoveryCode,
  AuditEvent,
  Client,
  Couple,
  CoupleMember,
  CareTeamMember,
  SafetyFlag,
  ClinicalSession,
  SessionParticipant,
  CalendarFeed,
  ClinicalNote,
  ClinicalNoteAddendum,
  FrameworkVersion,
  FrameworkStep,
  FrameworkCheckInMeasure,
  HomeworkTemplate,
  TreatmentPlan,
  PlanStep,
  PlanEvent,
  PlanGoal,
  PlanObjective,
  CheckIn,
  PracticeCheckInMeasure,
  Agreement,
  AgreementRevision,
  AgreementAcknowledgement,
  Notification,
  NotificationDelivery,
  WebhookEndpoint,
  HomeworkAssignment,
  HomeworkAssignee,
  HomeworkInstance,
  HomeworkSubmission,
  CheckInSchedule,
  OneTapToken,
];
