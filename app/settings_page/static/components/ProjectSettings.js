// A project's settings: each value in force and where the API says it comes from, the switch that makes
// the project override or inherit, its own controls, and the reset.
import { html, useState } from '../vendor/preact-htm.js';
import { SETTINGS } from '../store.js';
import { Switch } from './Switch.js';
import { StoppingPointSelect, stoppingPointLabel } from './StoppingPointSelect.js';
import { ConfirmDialog } from './ConfirmDialog.js';

const TEST_IDS = {
  scanEnabled: 'project-scan-enabled-toggle',
  fixEnabled: 'project-fix-enabled-toggle',
  stoppingPoint: 'project-stopping-point-select',
};
const LEVELS = { SYSTEM_DEFAULT: 'the system default', ORGANIZATION: 'the organization', PROJECT: 'this project', REPOSITORY: 'the repository' };

export function formatValue(setting, value) {
  if (setting.kind === 'boolean') return value ? 'On' : 'Off';
  return stoppingPointLabel(value);
}

// Where a value in force comes from, in the API's words.
export function sourceText(setting, effective) {
  if (effective.locked && effective.overrideIgnored) {
    return `Locked by the organization: this project's override is kept but ignored.`;
  }
  if (effective.locked) return 'Locked by the organization.';
  if (effective.source === 'PROJECT') {
    return `Overridden here (inherited value: ${formatValue(setting, effective.inheritedValue)} from ${LEVELS[effective.inheritedFrom]}).`;
  }
  return `Inherited from ${LEVELS[effective.source]}.`;
}

export function ProjectSettings({ store, project }) {
  const { draft, organization, results } = store.getState();
  const { actions } = store;
  const [confirming, setConfirming] = useState(false);
  const entry = draft.projects[project.id];
  const overrideOn = entry ? entry.override : project.hasOverrides;
  const editable = project.viewerCanAdminister;
  const base = `project-${project.slug}`;
  const readonlyId = `${base}-readonly`;
  const reset = results[`reset:${project.slug}`];
  return html`
    <section class="project-settings" aria-label=${`Settings of ${project.slug}`}>
      ${!editable && html`<p id=${readonlyId} class="readonly-note">Only admins and owners change a project's settings; you can see them.</p>`}
      <div class="override-row">
        <${Switch} id=${`${base}-override`} label="Override the organization's defaults" checked=${overrideOn}
          disabled=${!editable} describedBy=${editable ? `${base}-override-help` : readonlyId}
          testId="enable-project-override" onChange=${(on) => actions.setOverride(project.slug, on)} />
        <p id=${`${base}-override-help`} class="help">
          ${overrideOn ? 'This project sets its own values below.' : 'This project inherits every setting from the organization.'}
        </p>
      </div>
      <ul class="setting-list">
        ${SETTINGS.map((setting) => {
          const effective = project.effectiveSettings[setting.field];
          const id = `${base}-${setting.field}`;
          const drafted = entry && setting.field in entry.changes;
          const draftValue = drafted ? entry.changes[setting.field] : undefined;
          const shown = drafted ? (draftValue === null ? effective.inheritedValue : draftValue) : effective.value;
          const disabled = !editable || !overrideOn || effective.locked;
          const why = effective.locked ? `${id}-source` : !editable ? readonlyId : !overrideOn ? `${base}-override-help` : `${id}-source`;
          const onChange = (value) => actions.setProjectValue(project.slug, setting.field, value);
          return html`
            <li class="setting-item" key=${setting.field} data-test-id=${`project-setting-${setting.field}`}>
              <div class="setting-control">
                ${setting.kind === 'boolean'
                  ? html`<${Switch} id=${id} label=${setting.label} checked=${shown} disabled=${disabled}
                      testId=${TEST_IDS[setting.field]} describedBy=${why} onChange=${onChange} />`
                  : html`<${StoppingPointSelect} id=${id} value=${shown} disabled=${disabled}
                      testId=${TEST_IDS[setting.field]} describedBy=${why} onChange=${onChange} />`}
                ${effective.locked && html`<span class="badge badge-locked">Locked</span>`}
              </div>
              <p id=${`${id}-source`} class="source" data-test-id="setting-source">
                ${drafted
                  ? draftValue === null
                    ? `Inherits again once saved (${formatValue(setting, effective.inheritedValue)} from ${LEVELS[effective.inheritedFrom]}).`
                    : 'Changed here: not saved yet.'
                  : sourceText(setting, effective)}
              </p>
            </li>
          `;
        })}
      </ul>
      <div class="project-actions">
        <button type="button" class="button" data-test-id="reset-project-settings"
          disabled=${!editable || !project.hasOverrides} aria-describedby=${editable ? null : readonlyId}
          onClick=${() => setConfirming(true)}>Reset to defaults</button>
        ${reset && html`<p class=${reset.status === 'failed' ? 'error' : 'result'} role=${reset.status === 'failed' ? 'alert' : 'status'}>${reset.message}</p>`}
      </div>
      <${ConfirmDialog} id=${`${base}-reset`} open=${confirming} testId="reset-dialog"
        title=${`Reset ${project.name} to the organization's defaults?`} confirmLabel="Reset"
        onCancel=${() => setConfirming(false)}
        onConfirm=${() => { setConfirming(false); actions.resetProject(project.slug); }}>
        <p>The project's overrides are removed now, and it inherits every setting from ${organization?.name ?? 'the organization'} again. The change is recorded in the audit log.</p>
      </${ConfirmDialog}>
    </section>
  `;
}
