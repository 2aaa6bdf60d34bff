// A switch (WAI-ARIA APG): a button with role="switch" whose aria-checked says whether it is on.
import { html } from '../vendor/preact-htm.js';

export function Switch({ id, label, checked, disabled, onChange, testId, describedBy }) {
  return html`
    <span class="switch-field">
      <button
        type="button"
        role="switch"
        id=${id}
        class="switch"
        aria-checked=${checked ? 'true' : 'false'}
        aria-labelledby=${`${id}-label`}
        aria-describedby=${describedBy}
        data-test-id=${testId}
        disabled=${disabled}
        onClick=${() => onChange(!checked)}
      >
        <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
      </button>
      <span id=${`${id}-label`} class="switch-label">${label}</span>
      <span class="switch-state" aria-hidden="true">${checked ? 'On' : 'Off'}</span>
    </span>
  `;
}
