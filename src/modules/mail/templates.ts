/** Plain-text messages; they carry a link with a token and nothing clinical. */
export function invitationEmail(baseUrl: string, token: string, practiceName: string, ttlHours: number) {
  return {
    subject: `You have been invited to ${practiceName} on Kintsugi`,
    text: [
      `You have been invited to join ${practiceName} on Kintsugi.`,
      '',
      'Choose your password to activate your account:',
      `${baseUrl}/accept-invitation?token=${token}`,
      '',
      `The link works once and expires in ${ttlHours} hours. If you did not expect it, ignore this message.`,
    ].join('\n'),
  };
}

export function passwordResetEmail(baseUrl: string, token: string, ttlMinutes: number) {
  return {
    subject: 'Reset your Kintsugi password',
    text: [
      'Someone asked to reset the password of your Kintsugi account.',
      '',
      'Choose a new password here:',
      `${baseUrl}/reset-password?token=${token}`,
      '',
      `The link works once and expires in ${ttlMinutes} minutes. If it was not you, ignore this message; your password is unchanged.`,
    ].join('\n'),
  };
}

/** A client's portal invitation: no clinical content, not even who the clinician is. */
export function portalInvitationEmail(baseUrl: string, token: string, practiceName: string, ttlHours: number) {
  return {
    subject: `Your client portal at ${practiceName}`,
    text: [
      `${practiceName} has opened a client portal account for you on Kintsugi.`,
      'There you can see your upcoming sessions, your homework and check-ins, and choose how you are reminded.',
      '',
      'Choose your password to activate your account:',
      `${baseUrl}/accept-invitation?token=${token}`,
      '',
      `The link works once and expires in ${ttlHours} hours. If you did not expect it, ignore this message.`,
    ].join('\n'),
  };
}
