// Sign up (date of birth, 18+), verify the email by code, log in by email/password or mobile OTP.
import { api } from '../api.js';
import { field, form, h, notify } from '../ui.js';

/** 18 or older today (the service checks again on its own date). */
export function isAdult(dateOfBirth, today = new Date()) {
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  if (!y || !m || !d) return false;
  const eighteen = new Date(Date.UTC(y + 18, m - 1, d));
  return eighteen <= Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
}

export function signUpScreen(app) {
  return h(
    'section',
    { id: 'signup' },
    h('h2', {}, 'Create your account'),
    form(
      'signup-form',
      [
        field('Email', 'email', { type: 'email', required: true, autocomplete: 'email' }),
        field('Password', 'password', { type: 'password', required: true, minlength: 12 }),
        field('Date of birth', 'dateOfBirth', { type: 'date', required: true }),
        field('Country', 'country', { value: 'CH', maxlength: 2, required: true }),
        field('Mobile (optional)', 'mobile', { type: 'tel', placeholder: '+41791234567' }),
        h(
          'label',
          { for: 'marketing' },
          h('input', { type: 'checkbox', id: 'marketing', name: 'marketing' }),
          ' Send me news and offers (no tobacco offers)',
        ),
      ],
      'Sign up',
      async (v) => {
        if (!isAdult(v.dateOfBirth)) {
          notify('error', 'You must be 18 or older to create an account.');
          return;
        }
        await api.signUp({
          email: v.email,
          password: v.password,
          dateOfBirth: v.dateOfBirth,
          country: v.country.toUpperCase(),
          ...(v.mobile ? { mobile: v.mobile } : {}),
          marketingOptIn: v.marketing === 'on',
        });
        app.pending = { email: v.email, password: v.password };
        notify('ok', `We sent a verification code to ${v.email}.`);
        app.go('#/verify');
      },
    ),
    h('p', {}, 'Already have an account? ', h('a', { href: '#/login' }, 'Log in')),
  );
}

export function verifyScreen(app) {
  const email = app.pending?.email ?? '';
  return h(
    'section',
    { id: 'verify' },
    h('h2', {}, 'Verify your email'),
    form(
      'verify-form',
      [
        field('Email', 'email', { type: 'email', value: email, required: true }),
        field('Code', 'code', { inputmode: 'numeric', required: true, autocomplete: 'one-time-code' }),
      ],
      'Verify',
      async (v) => {
        await api.verify(v.email, v.code.trim());
        if (app.pending?.password && app.pending.email === v.email) {
          await api.login(v.email, app.pending.password);
          app.pending = undefined;
          notify('ok', 'Email verified. Welcome!');
          app.go('#/devices');
        } else {
          notify('ok', 'Email verified. You can log in now.');
          app.go('#/login');
        }
      },
    ),
    h(
      'button',
      {
        type: 'button',
        id: 'resend',
        onclick: () =>
          api.resend(email).then(
            () => notify('info', 'A new code is on its way.'),
            (e) => notify('error', e.message),
          ),
      },
      'Send a new code',
    ),
  );
}

export function loginScreen(app) {
  const otp = form(
    'otp-form',
    [
      field('Mobile', 'mobile', { type: 'tel', required: true }),
      field('SMS code', 'code', { inputmode: 'numeric', autocomplete: 'one-time-code' }),
    ],
    'Log in with code',
    async (v, submit) => {
      if (!v.code) {
        await api.requestOtp(v.mobile);
        submit.textContent = 'Log in with code';
        notify('info', `We sent a code by SMS to ${v.mobile}.`);
        return;
      }
      await api.loginOtp(v.mobile, v.code.trim());
      app.go('#/devices');
    },
  );
  return h(
    'section',
    { id: 'login' },
    h('h2', {}, 'Log in'),
    form(
      'login-form',
      [
        field('Email', 'email', { type: 'email', required: true, autocomplete: 'email' }),
        field('Password', 'password', { type: 'password', required: true }),
      ],
      'Log in',
      async (v) => {
        await api.login(v.email, v.password);
        app.go('#/devices');
      },
    ),
    h('h3', {}, 'Or with your mobile number'),
    h('p', { class: 'hint' }, 'Leave the code empty to get one by SMS.'),
    otp,
    h('p', {}, 'New here? ', h('a', { href: '#/signup' }, 'Create an account')),
  );
}
