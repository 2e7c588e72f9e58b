// The registration service as the app uses it: JSON over fetch to `/api` (the app's server forwards
// it to the service), problem+json errors turned into `ApiError` with the service's stable code and a
// message for people.

const MESSAGES = {
  REGISTRY_UNDERAGE: 'You must be 18 or older to create an account.',
  REGISTRY_EMAIL_TAKEN: 'This email address belongs to another account.',
  REGISTRY_MOBILE_TAKEN: 'This mobile number belongs to another account.',
  REGISTRY_WEAK_PASSWORD:
    'Choose another password: at least 12 characters, not your email address and not a commonly used one.',
  REGISTRY_LOGIN_FAILED: 'Login failed: check your details and try again.',
  REGISTRY_NOT_VERIFIED: 'Verify your email address first: enter the code we sent you.',
  REGISTRY_CODE_INVALID:
    'That code is not right, has expired or was tried too often. Check it or ask for a new one.',
  REGISTRY_RATE_LIMITED: 'Too many attempts. Wait a few minutes and try again.',
  REGISTRY_DEVICE_LIMIT: 'Your account holds as many devices as it can. Remove one first.',
  REGISTRY_WRONG_PASSWORD: 'Your current password is not right.',
  REGISTRY_MOBILE_NOT_VERIFIED: 'This mobile number is not verified on any account.',
  REGISTRY_BAD_DEVICE_ID: 'A device ID is a T followed by 13 letters or digits.',
  REGISTRY_BAD_QR: 'This QR code is not an IQOS device label.',
  REGISTRY_DEVICE_UNAVAILABLE:
    'This device is registered to another account. Its owner must remove it first, or contact customer care.',
  REGISTRY_UNAUTHENTICATED: 'Your session has ended. Please log in again.',
  REGISTRY_FAULT_INJECTED: 'The registration service is unavailable right now (503).',
};

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(
      MESSAGES[code] ?? (status >= 500 ? `The registration service failed (${status}).` : detail || code),
    );
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
  /** Worth retrying as is: the service or the network failed, not the request. */
  get retryable() {
    return this.status === 0 || this.status >= 500;
  }
}

let token = sessionStorage.getItem('iqsim-companion-token') ?? undefined;

export function loggedIn() {
  return token !== undefined;
}

export function setToken(value) {
  token = value;
  if (value === undefined) sessionStorage.removeItem('iqsim-companion-token');
  else sessionStorage.setItem('iqsim-companion-token', value);
}

async function call(method, path, body) {
  let response;
  try {
    response = await fetch(`api${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The registration service cannot be reached. Check your connection.');
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const code = data?.code ?? (response.status >= 500 ? 'SERVICE_DOWN' : `HTTP_${response.status}`);
    if (code === 'REGISTRY_UNAUTHENTICATED') setToken(undefined);
    throw new ApiError(response.status, code, data?.detail ?? response.statusText);
  }
  return data;
}

export const api = {
  signUp: (form) => call('POST', '/auth/signup', form),
  verify: (email, code) => call('POST', '/auth/verify', { email, code }),
  resend: (email) => call('POST', '/auth/verify/resend', { email }),
  login: async (email, password) => setToken((await call('POST', '/auth/login', { email, password })).token),
  requestOtp: (mobile) => call('POST', '/auth/otp/request', { mobile }),
  loginOtp: async (mobile, code) =>
    setToken((await call('POST', '/auth/otp/verify', { mobile, code })).token),
  logout: async () => {
    await call('POST', '/auth/logout').catch(() => undefined);
    setToken(undefined);
  },
  me: () => call('GET', '/me'),
  devices: () => call('GET', '/devices'),
  register: (deviceId) => call('POST', '/devices', { deviceId }),
  pair: (deviceId, model) => call('POST', '/devices/pair', { deviceId, model }),
  readQr: (qr) => call('POST', '/device-ids/qr', { qr }),
  changeEmail: (newEmail) => call('PUT', '/me/email', { newEmail }),
  verifyNewEmail: (code) => call('POST', '/me/email/verify', { code }),
  changePassword: (currentPassword, newPassword) =>
    call('PUT', '/me/password', { ...(currentPassword ? { currentPassword } : {}), newPassword }),
  marketing: (optIn) => call('PUT', '/me/marketing', { optIn }),
  addMobile: (mobile) => call('PUT', '/me/mobile', { mobile }),
  verifyMobile: (code) => call('POST', '/me/mobile/verify', { code }),
  deleteAccount: async () => {
    await call('DELETE', '/me', { confirm: true });
    setToken(undefined);
  },
};
