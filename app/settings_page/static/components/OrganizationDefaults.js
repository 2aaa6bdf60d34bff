// The organization's defaults: what every project inherits, and for owners a lock per setting.
import { html } from '../vendor/preact-htm.js';
import { SETTINGS } from '../store.js';
import { Switch } from './Switch.js';
import { StoppingPointSelect } from './StoppingPointSelect.js';

const TEST_IDS = { scanEnabled: 'scan-enabled-toggle', fixEnabled: 'fix-enabled-toggle', stoppingPoint: 'stopping-point-select' };

export function OrganizationDefaults({ store }) {
  const { organization, draft } = store.getState();
  const { actions } = store;
  const editable = organization.viewerCanAdminister;
  const locked = new Set(store.lockedSettings());
  const value = (field) => (field in draft.organization ? draft.organization[field] : organization.settings[field]);
  const reason = editable ? null : 'organization-defaults-readonly';
  return html`
    <section class="card" aria-labelledby="organization-defaults-title">
      <div class="card-header">
        <h2 id="organization-defaults-title">Organization defaults</h2>
        <p class="card-description">Every project inherits these values unless it overrides them. A locked setting applies to every project, whatever it overrides.</p>
      </div>
      ${!editable && html`<p id=${reason} class="readonly-note">Only owners change the organization's defaults and locks; you can see them.</p>`}
      <ul class="setting-list">
        ${SETTINGS.map((setting) => {
          const id = `organization-${setting.field}`;
          const changed = setting.field in draft.organization;
          const isLocked = locked.has(setting.name);
          const lockChanged = 'lockedSettings' in draft.organization &&
            organization.settings.lockedSettings.includes(setting.name) !== isLocked;
          return html`
            <li class="setting-item" key=${setting.field}>
              <div class="setting-control">
                ${setting.kind === 'boolean'
                  ? html`<${Switch} id=${id} label=${setting.label} checked=${value(setting.field)} disabled=${!editable}
                      testId=${TEST_IDS[setting.field]} describedBy=${reason}
                      onChange=${(on) => actions.setOrganizationValue(setting.field, on)} />`
                  : html`<${StoppingPointSelect} id=${id} value=${value(setting.field)} disabled=${!editable}
                      testId=${TEST_IDS[setting.field]} describedBy=${reason}
                      onChange=${(point) => actions.setOrganizationValue(setting.field, point)} />`}
                ${(changed || lockChanged) && html`<span class="badge badge-draft">Unsaved</span>`}
              </div>
              <label class="lock-field">
                <input type="checkbox" checked=${isLocked} disabled=${!editable} aria-describedby=${reason}
                  data-test-id=${`lock-${setting.field}`}
                  onChange=${(event) => actions.setLocked(setting.name, event.currentTarget.checked)} />
                <span>Lock for every project</span>
              </label>
            </li>
          `;
        })}
      </ul>
    </section>
  `;
}
