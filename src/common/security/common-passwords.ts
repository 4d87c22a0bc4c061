/**
 * A short list of passwords of 12+ characters that top breach corpora; enough to stop the
 * obvious ones without shipping a large list.
 */
const COMMON = new Set([
  '123456789012', '1234567890123', '12345678901234', 'qwertyuiopas', 'qwerty123456', '123456123456',
  'passwordpassword', 'password1234', 'password12345', 'password123456', 'iloveyou1234', 'qwertyuiop12',
  '1q2w3e4r5t6y', '1qaz2wsx3edc', 'abcdefghijkl', 'abc123456789', 'aaaaaaaaaaaa', '111111111111',
  '000000000000', 'letmein12345', 'welcome12345', 'changeme1234', 'administrator', 'qwertyqwerty',
  'zaq12wsxcde3', 'asdfghjkl123', 'monkey123456', 'football1234', 'baseball1234', 'trustno1trustno1',
  'correcthorsebatterystaple', 'kintsugi1234', 'kintsugikintsugi', 'therapist123',
]);

export function isCommonPassword(password: string): boolean {
  const p = password.toLowerCase();
  return COMMON.has(p) || /^(.)\1+$/.test(p) || /^(0123456789|1234567890)+\d*$/.test(p);
}
