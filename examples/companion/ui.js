// Small DOM helpers: element builder, forms, the message banner, busy buttons.

/** `h('button', { id: 'x', onclick }, 'Text')`: attributes, `on*` listeners, children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) el.append(child);
  return el;
}

/** A labelled input (the label wraps it: no ids to clash between forms). */
export function field(label, name, attrs = {}) {
  return h('label', {}, h('span', { text: label }), h('input', { name, ...attrs }));
}

export function values(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/** Shows a message in the banner: kind 'error' | 'ok' | 'info'; an optional action button. */
export function notify(kind, text, action) {
  const banner = document.getElementById('banner');
  banner.replaceChildren(h('span', { id: 'banner-text', text }));
  if (action)
    banner.append(h('button', { id: 'banner-action', type: 'button', onclick: action.run }, action.label));
  banner.className = kind;
  banner.hidden = false;
  banner.dataset.kind = kind;
}

export function clearNotice() {
  const banner = document.getElementById('banner');
  banner.hidden = true;
  banner.replaceChildren();
  delete banner.dataset.kind;
}

/** Runs `work` with `button` disabled; errors go to the banner (with a retry when worth it). */
export async function busy(button, work, retry) {
  if (button) button.disabled = true;
  try {
    return await work();
  } catch (error) {
    const again = retry ?? (error.retryable ? () => busy(button, work) : undefined);
    notify('error', error.message ?? String(error), again ? { label: 'Retry', run: again } : undefined);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

/** A form whose submit runs `onSubmit(values, submitButton)` with errors in the banner. */
export function form(id, children, submitLabel, onSubmit) {
  const submit = h('button', { type: 'submit', id: `${id}-submit` }, submitLabel);
  const el = h('form', { id }, children, submit);
  el.addEventListener('submit', (event) => {
    event.preventDefault();
    clearNotice();
    busy(submit, () => onSubmit(values(el), submit));
  });
  return el;
}
