// The chaos settings: a one-line state in the top bar and a dialog that edits them.

import { api } from './api.js';

const TRIGGERS = ['Sender', 'Recipient', 'Authentication'];

/** A short description of what is active right now, or "off". */
export function describe(settings) {
  const parts = [];
  for (const name of TRIGGERS) {
    const trigger = settings[name];
    if (trigger && trigger.Probability > 0) parts.push(`${name} ${trigger.ErrorCode} @ ${trigger.Probability}%`);
  }
  if (settings.Preset) parts.push(settings.Preset === 'rate_limit' ? `rate_limit (${settings.RateLimit})` : settings.Preset);
  const rules = (settings.Rules || []).length;
  if (rules) parts.push(`${rules} rule${rules === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'off';
}

export class ChaosPanel {
  /** @param {(e: Error) => void} onError */
  constructor(onError) {
    this.onError = onError;
    this.dialog = document.getElementById('chaos-dialog');
    this.form = document.getElementById('chaos-form');
    this.state = document.getElementById('chaos-state');
    this.error = document.getElementById('chaos-error');
    document.getElementById('chaos-open').addEventListener('click', () => this.open());
    document.getElementById('chaos-cancel').addEventListener('click', () => this.dialog.close());
    document.getElementById('chaos-off').addEventListener('click', () => this.save({}));
    this.form.addEventListener('submit', event => {
      event.preventDefault();
      const settings = this.read();
      if (settings) this.save(settings);
    });
  }

  async refresh() {
    try {
      this.show(await api.chaos());
    } catch (error) {
      this.onError(error);
    }
  }

  show(settings) {
    this.settings = settings;
    const text = describe(settings);
    this.state.textContent = text;
    this.state.parentElement.classList.toggle('chaos-on', text !== 'off');
  }

  async open() {
    await this.refresh();
    const s = this.settings;
    const f = this.form.elements;
    for (const name of TRIGGERS) {
      f[`${name}.ErrorCode`].value = s[name].ErrorCode;
      f[`${name}.Probability`].value = s[name].Probability;
    }
    f.Preset.value = s.Preset || '';
    f.RateLimit.value = s.RateLimit;
    f.Seed.value = s.Seed ?? '';
    f.Rules.value = JSON.stringify(s.Rules || [], null, 2);
    this.error.hidden = true;
    this.dialog.showModal();
  }

  /** The form as a settings object, or null (with the reason shown) when it is not valid. */
  read() {
    const f = this.form.elements;
    let rules;
    try {
      rules = JSON.parse(f.Rules.value.trim() || '[]');
      if (!Array.isArray(rules)) throw new Error('not an array');
    } catch (error) {
      this.fail(`Rules must be a JSON array: ${error.message}`);
      return null;
    }
    const settings = { Rules: rules, Preset: f.Preset.value || null, RateLimit: Number(f.RateLimit.value || 0) };
    if (f.Seed.value !== '') settings.Seed = Number(f.Seed.value);
    for (const name of TRIGGERS) {
      settings[name] = { ErrorCode: Number(f[`${name}.ErrorCode`].value), Probability: Number(f[`${name}.Probability`].value) };
    }
    return settings;
  }

  async save(settings) {
    try {
      this.show(await api.setChaos(settings));
      this.dialog.close();
    } catch (error) {
      this.fail(error.message);
    }
  }

  fail(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }
}
