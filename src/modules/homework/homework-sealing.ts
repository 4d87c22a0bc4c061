import type { FieldEncryption } from '../../common/security/field-encryption';
import type { Answers } from './content/questions';

/**
 * Associated data binds each envelope to its row and field, so a ciphertext copied into another
 * row or column does not decrypt.
 */
export const instructionsAad = (assignmentId: string) => `homework_assignment:${assignmentId}:instructions`;
export const answersAad = (submissionId: string) => `homework_submission:${submissionId}:answers`;
export const reviewAad = (submissionId: string) => `homework_submission:${submissionId}:review`;

export function sealAnswers(crypto: FieldEncryption, submissionId: string, answers: Answers): string {
  return crypto.encrypt(JSON.stringify(answers), answersAad(submissionId));
}

export function openAnswers(crypto: FieldEncryption, submissionId: string, envelope: string): Answers {
  return JSON.parse(crypto.decrypt(envelope, answersAad(submissionId))) as Answers;
}
