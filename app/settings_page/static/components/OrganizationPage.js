// The organization's AI settings: its defaults, the summary of its projects, and the projects.
import { html, useEffect } from '../vendor/preact-htm.js';
import { useStore, draftCount } from '../store.js';
import { OrganizationDefaults } from './OrganizationDefaults.js';
import { SettingsSummary } from './SettingsSummary.js';
import { ProjectList } from './ProjectList.js';
import { SaveBar } from './SaveBar.js';
import { UnsavedChangesGuard } from './UnsavedChangesGuard.js';
import { PageHeading } from './PageHeading.js';

export function OrganizationPage({ store }) {
  const state = useStore(store);
  useEffect(() => {
    // Both at once: the first rows need not wait for the summary.
    store.actions.loadOrganization();
    store.actions.loadProjects();
  }, [store]);
  const { organization, organizationError } = state;
  return html`
    <${UnsavedChangesGuard} dirty=${draftCount(state.draft) > 0} />
    <${PageHeading} organization=${organization} slug=${state.view.organization} current="settings" />
    ${organizationError && html`<p class="error" role="alert">${organizationError}</p>`}
    ${organization && html`<${OrganizationDefaults} store=${store} />`}
    ${organization && html`<${SettingsSummary} summary=${organization.settingsSummary} />`}
    ${organization && html`<${ProjectList} store=${store} />`}
    ${organization && html`<${SaveBar} store=${store} />`}
    ${!organization && !organizationError && html`<p class="loading" role="status">Loading the organization…</p>`}
  `;
}
