// One setting changed on many projects at once: the selected ones, or all that match the filter (sent as
// the filter, not as ids). Preview is the API's dry run; Apply is the same call for real.
import { html } from '../vendor/preact-htm.js';
import { STOPPING_POINTS } from '../store.js';

const SETTING_OPTIONS = [
  { value: 'scan_enabled', label: 'Issue Scanning' },
  { value: 'fix_enabled', label: 'Automatic Fixes' },
  { value: 'stopping_point', label: 'Stopping Point' },
];
const BOOLEAN_VALUES = [
  { value: 'on', label: 'On' },
  { value: 'off', label: 'Off' },
];
const INHERIT = { value: 'inherit', label: 'Inherit from the organization' };

export function BulkChanges({ store, selectedCount }) {
  const { bulk, selection, organization } = store.getState();
  const { actions } = store;
  const values = [
    ...(bulk.setting === 'stopping_point' ? STOPPING_POINTS.map((p) => ({ value: p.option, label: p.label })) : BOOLEAN_VALUES),
    INHERIT,
  ];
  const busy = bulk.status === 'previewing' || bulk.status === 'applying';
  const target = selection.all ? `all ${selectedCount} matching projects` : `${selectedCount} selected ${selectedCount === 1 ? 'project' : 'projects'}`;
  return html`
    <section class="bulk" aria-labelledby="bulk-title" data-test-id="bulk-changes">
      <h3 id="bulk-title">Change ${target}</h3>
      <div class="form-row">
        <span class="select-field">
          <label for="bulk-setting">Setting</label>
          <select id="bulk-setting" data-test-id="bulk-setting-select" onChange=${(e) => actions.setBulk({ setting: e.currentTarget.value })}>
            ${SETTING_OPTIONS.map((o) => html`<option value=${o.value} selected=${o.value === bulk.setting}>${o.label}</option>`)}
          </select>
        </span>
        <span class="select-field">
          <label for="bulk-value">Value</label>
          <select id="bulk-value" data-test-id="bulk-value-select" onChange=${(e) => actions.setBulk({ value: e.currentTarget.value })}>
            ${values.map((o) => html`<option value=${o.value} selected=${o.value === bulk.value}>${o.label}</option>`)}
          </select>
        </span>
        <button type="button" class="button" data-test-id="bulk-preview" disabled=${busy} onClick=${() => actions.runBulk(true)}>Preview</button>
        <button type="button" class="button button-primary" data-test-id="bulk-apply" disabled=${busy || !organization}
          onClick=${() => actions.runBulk(false)}>Apply</button>
      </div>
      ${bulk.preview && html`
        <div class="bulk-preview" role="status">
          <p><strong data-test-id="bulk-preview-count">${bulk.preview.affectedCount}</strong>
            ${bulk.preview.affectedCount === 1 ? ' project would change' : ' projects would change'}${bulk.preview.affectedCount ? ':' : '.'}</p>
          ${bulk.preview.diffs.length > 0 && html`<ul class="bulk-diffs" data-test-id="bulk-preview-projects">
            ${bulk.preview.diffs.slice(0, 20).map((diff) => html`<li>${diff.project.slug}${diff.changedSettings.length ? ` (${diff.changedSettings.map((s) => s.toLowerCase()).join(', ')} in force changes)` : ' (override only)'}</li>`)}
            ${bulk.preview.diffs.length > 20 && html`<li>and ${bulk.preview.diffs.length - 20} more</li>`}
          </ul>`}
        </div>`}
      ${bulk.status === 'failed' && html`<p class="error" role="alert">${bulk.messages.join(' ')}</p>`}
      ${bulk.status === 'applied' && html`<p class="result" role="status" data-test-id="bulk-result">${bulk.messages.join(' ')}</p>`}
    </section>
  `;
}
