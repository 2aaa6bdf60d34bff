// One project's AI settings on a page of their own, with the same controls as its row.
import { html, useEffect } from '../vendor/preact-htm.js';
import { useStore, draftCount } from '../store.js';
import { ProjectDetails } from './ProjectRow.js';
import { SaveBar } from './SaveBar.js';
import { UnsavedChangesGuard } from './UnsavedChangesGuard.js';
import { PageHeading } from './PageHeading.js';

export function ProjectPage({ store }) {
  const state = useStore(store);
  const slug = state.view.project;
  useEffect(() => {
    store.actions.loadOrganization();
    store.actions.loadProject(slug);
  }, [store]);
  const { organization, organizationError } = state;
  return html`
    <${UnsavedChangesGuard} dirty=${draftCount(state.draft) > 0} />
    <${PageHeading} organization=${organization} slug=${state.view.organization} project=${slug} current="settings" />
    ${organizationError && html`<p class="error" role="alert">${organizationError}</p>`}
    <section class="card" data-test-id="project-page" data-project-slug=${slug} aria-label=${`Settings of ${slug}`}>
      <${ProjectDetails} store=${store} slug=${slug} />
    </section>
    ${organization && html`<${SaveBar} store=${store} />`}
  `;
}
