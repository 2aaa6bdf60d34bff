// One project in the list: its values in force at a glance, and, expanded in place (a disclosure), its
// settings and repositories.
import { html } from '../vendor/preact-htm.js';
import { SETTINGS } from '../store.js';
import { ProjectSettings, formatValue } from './ProjectSettings.js';
import { Repositories } from './Repositories.js';

export function ProjectDetails({ store, slug }) {
  const details = store.getState().details[slug];
  const project = store.project(slug);
  if (!details || (details.loading && !details.project)) return html`<p class="loading" role="status">Loading ${slug}…</p>`;
  if (details.error && !details.project) return html`<p class="error" role="alert">${details.error}</p>`;
  const readonlyId = `project-${slug}-readonly`;
  return html`
    <${ProjectSettings} store=${store} project=${project} />
    <${Repositories} store=${store} slug=${slug} repositories=${details.repositories}
      editable=${project.viewerCanAdminister} readonlyId=${readonlyId} />
  `;
}

export function ProjectRow({ store, project, organizationSlug }) {
  const { expanded, selection, draft } = store.getState();
  const open = Boolean(expanded[project.slug]);
  const shown = store.project(project.slug);
  const regionId = `project-${project.slug}-details`;
  const selected = selection.all || project.slug in selection.slugs;
  const drafted = Boolean(draft.projects[project.id]);
  return html`
    <li class=${`project-row${open ? ' project-row-open' : ''}`} data-test-id="project-row" data-project-slug=${project.slug}>
      <div class="project-summary">
        <input type="checkbox" class="project-select" data-test-id="select-project" checked=${selected}
          disabled=${selection.all || !project.viewerCanAdminister} aria-label=${`Select ${project.slug}`}
          onChange=${(event) => store.actions.setSelected(project.slug, project.id, event.currentTarget.checked)} />
        <div class="project-name">
          <a href=${`/organizations/${organizationSlug}/projects/${project.slug}/settings/ai/`}>${project.name}</a>
          <span class="slug">${project.slug}</span>
          ${shown.hasOverrides && html`<span class="badge badge-custom" data-test-id="custom-settings-badge">Custom Settings</span>`}
          ${drafted && html`<span class="badge badge-draft">Unsaved</span>`}
        </div>
        <ul class="project-values" aria-label=${`Values in force for ${project.slug}`}>
          ${SETTINGS.map((setting) => {
            const effective = shown.effectiveSettings[setting.field];
            return html`<li class=${effective.source === 'PROJECT' ? 'value-overridden' : ''}>
              <span class="value-label">${setting.label}</span> ${formatValue(setting, effective.value)}</li>`;
          })}
        </ul>
        <button type="button" class="button button-small disclosure" data-test-id="expand-project-settings"
          aria-expanded=${open ? 'true' : 'false'} aria-controls=${regionId}
          onClick=${() => store.actions.toggleExpanded(project.slug)}>
          <span class="disclosure-icon" aria-hidden="true"></span>
          ${open ? 'Hide' : 'Edit'}<span class="visually-hidden"> settings of ${project.slug}</span>
        </button>
      </div>
      <div id=${regionId} class="project-details" hidden=${!open}>
        ${open && html`<${ProjectDetails} store=${store} slug=${project.slug} />`}
      </div>
    </li>
  `;
}
