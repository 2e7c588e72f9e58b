// The account: change email (verified again), change password, mobile number for SMS login,
// marketing opt-in/out (never tobacco offers), delete the account.
import { api } from '../api.js';
import { busy, field, form, h, notify } from '../ui.js';

export function accountScreen(app) {
  const email = h('dd', { id: 'account-email' }, '…');
  const mobile = h('dd', { id: 'account-mobile' }, '…');
  const marketing = h('input', { type: 'checkbox', id: 'marketing-opt-in', disabled: true });
  api.me().then(
    (me) => {
      email.textContent = me.pendingEmail
        ? `${me.email} (changing to ${me.pendingEmail}: enter the code we sent)`
        : me.email;
      mobile.textContent = me.mobile ? `${me.mobile}${me.mobileVerified ? '' : ' (not verified)'}` : 'none';
      marketing.checked = me.marketing.optIn;
      marketing.disabled = false;
    },
    (error) => notify('error', error.message),
  );
  marketing.addEventListener('change', () =>
    busy(marketing, async () => {
      try {
        await api.marketing(marketing.checked);
      } catch (error) {
        marketing.checked = !marketing.checked;
        throw error;
      }
      notify(
        'ok',
        marketing.checked
          ? 'You will get news and offers (never for tobacco products).'
          : 'You will no longer get news and offers.',
      );
    }),
  );

  const emailCode = form(
    'email-code-form',
    [field('Code from the new address', 'code', { required: true, inputmode: 'numeric' })],
    'Confirm new email',
    async (v) => {
      await api.verifyNewEmail(v.code.trim());
      notify('ok', 'Your new email address is verified.');
      app.render();
    },
  );
  emailCode.hidden = true;
  const mobileCode = form(
    'mobile-code-form',
    [field('SMS code', 'code', { required: true, inputmode: 'numeric' })],
    'Verify mobile',
    async (v) => {
      await api.verifyMobile(v.code.trim());
      notify('ok', 'Your mobile number is verified: you can log in with an SMS code.');
      app.render();
    },
  );
  mobileCode.hidden = true;
  const confirmDelete = h(
    'div',
    { id: 'delete-confirm', hidden: true },
    h(
      'p',
      {},
      'This deletes your account and personal data at once, and releases your registered devices. It cannot be undone.',
    ),
    h(
      'button',
      { type: 'button', id: 'delete-confirm-button', class: 'danger' },
      'Delete my account for good',
    ),
  );
  confirmDelete.lastChild.addEventListener('click', (event) =>
    busy(event.target, async () => {
      await api.deleteAccount();
      notify('ok', 'Your account has been deleted.');
      app.go('#/signup');
    }),
  );

  return h(
    'section',
    { id: 'account' },
    h('h2', {}, 'Account'),
    h(
      'dl',
      {},
      h('div', { class: 'row' }, h('dt', {}, 'Email'), email),
      h('div', { class: 'row' }, h('dt', {}, 'Mobile'), mobile),
    ),
    h('h3', {}, 'Change email'),
    form(
      'email-form',
      [field('New email', 'newEmail', { type: 'email', required: true })],
      'Change email',
      async (v) => {
        await api.changeEmail(v.newEmail);
        emailCode.hidden = false;
        notify('info', `We sent a code to ${v.newEmail}. Enter it to finish the change.`);
      },
    ),
    emailCode,
    h('h3', {}, 'Change password'),
    form(
      'password-form',
      [
        field('Current password', 'currentPassword', { type: 'password' }),
        field('New password', 'newPassword', { type: 'password', required: true, minlength: 12 }),
      ],
      'Change password',
      async (v, submit) => {
        await api.changePassword(v.currentPassword, v.newPassword);
        submit.form.reset();
        notify('ok', 'Your password has been changed.');
      },
    ),
    h('h3', {}, 'Mobile number (for SMS login)'),
    form(
      'mobile-form',
      [field('Mobile', 'mobile', { type: 'tel', required: true, placeholder: '+41791234567' })],
      'Send code',
      async (v) => {
        await api.addMobile(v.mobile);
        mobileCode.hidden = false;
        notify('info', `We sent a code by SMS to ${v.mobile}.`);
      },
    ),
    mobileCode,
    h('h3', {}, 'Communication'),
    h(
      'label',
      { for: 'marketing-opt-in' },
      marketing,
      ' News and offers by email (never for tobacco products)',
    ),
    h('h3', {}, 'Delete account'),
    h(
      'button',
      {
        type: 'button',
        id: 'delete-account',
        class: 'danger',
        onclick: () => {
          confirmDelete.hidden = false;
        },
      },
      'Delete account',
    ),
    confirmDelete,
  );
}
