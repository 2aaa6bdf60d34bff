// The organization's projects, a page at a time from the API (search and filter run on the server).
import { html, useEffect, useRef } from '../vendor/preact-htm.js';
import { ProjectRow } from './ProjectRow.js';
import { BulkChanges } from './BulkChanges.js';

export function ProjectList({ store }) {
  const { projects, filter, selection, organization, bulk } = store.getState();
  const { actions } = store;
  const searchTimer = useRef(null);
  useEffect(() => () => clearTimeout(searchTimer.current), []);
  const onSearch = (event) => {
    const search = event.currentTarget.value;
    clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(() => actions.setFilter({ search }), 250);
  };
  const selectedCount = selection.all ? projects.totalCount : Object.keys(selection.slugs).length;
  return html`
    <section class="card" aria-labelledby="projects-title">
      <div class="card-header">
        <h2 id="projects-title">Projects</h2>
        <p class="card-description">Expand a project to see where each value comes from, override it, and manage its repositories.</p>
      </div>
      <div class="list-tools">
        <span class="text-field search-field">
          <label for="project-search">Search projects</label>
          <input id="project-search" type="search" data-test-id="project-search" placeholder="Name or slug"
            value=${filter.search} onInput=${onSearch} />
        </span>
        <label class="checkbox-field">
          <input type="checkbox" data-test-id="filter-custom-settings" checked=${filter.customOnly}
            onChange=${(event) => actions.setFilter({ customOnly: event.currentTarget.checked })} />
          <span>Custom settings only</span>
        </label>
      </div>
      <div class="list-header">
        <label class="checkbox-field">
          <input type="checkbox" data-test-id="select-all-projects" checked=${selection.all}
            disabled=${!projects.totalCount || !projects.nodes[0]?.viewerCanAdminister}
            onChange=${(event) => actions.setSelectAll(event.currentTarget.checked)} />
          <span>Select all ${projects.totalCount ?? ''} matching projects</span>
        </label>
        <span class="list-count" role="status" data-test-id="project-count">
          ${projects.totalCount === null ? '' : `Showing ${projects.nodes.length} of ${projects.totalCount}`}
        </span>
      </div>
      ${(selectedCount > 0 || bulk.status === 'applied') && html`<${BulkChanges} store=${store} selectedCount=${selectedCount} />`}
      ${projects.error && html`<p class="error" role="alert">${projects.error}</p>`}
      <ul class="project-list" aria-label="Projects" aria-busy=${projects.loading ? 'true' : 'false'}>
        ${projects.nodes.map((project) => html`<${ProjectRow} key=${project.id} store=${store} project=${project} organizationSlug=${organization.slug} />`)}
      </ul>
      ${!projects.loading && projects.totalCount === 0 && html`<p class="empty">No project matches.</p>`}
      ${projects.loading && html`<p class="loading" role="status">Loading projects…</p>`}
      ${projects.pageInfo?.hasNextPage && !projects.loading &&
        html`<button type="button" class="button load-more" data-test-id="load-more-projects"
          onClick=${() => actions.loadProjects({ append: true })}>Load more projects</button>`}
    </section>
  `;
}
