// The stopping point's select: option values are the lower-case names, labels say what each one does.
import { html } from '../vendor/preact-htm.js';
import { STOPPING_POINTS } from '../store.js';

export function StoppingPointSelect({ id, value, disabled, onChange, testId, describedBy, label = 'Stopping Point' }) {
  const current = STOPPING_POINTS.find((point) => point.value === value)?.option;
  return html`
    <span class="select-field">
      <label for=${id}>${label}</label>
      <select
        id=${id}
        data-test-id=${testId}
        disabled=${disabled}
        aria-describedby=${describedBy}
        value=${current}
        onChange=${(event) => onChange(STOPPING_POINTS.find((p) => p.option === event.currentTarget.value).value)}
      >
        ${STOPPING_POINTS.map((point) => html`<option value=${point.option} selected=${point.option === current}>${point.label}</option>`)}
      </select>
    </span>
  `;
}

export function stoppingPointLabel(value) {
  return STOPPING_POINTS.find((point) => point.value === value)?.label ?? value;
}
