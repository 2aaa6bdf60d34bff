// The organization's audit log, newest first: who changed what (before → after) and when, the entries of
// one save grouped as its batch; filtered by project (the entries about the project itself).
import { html, useEffect, useState } from '../vendor/preact-htm.js';
import { useStore } from '../store.js';
import { PageHeading } from './PageHeading.js';

const ACTIONS = {
  ORGANIZATION_SETTINGS_UPDATED: 'Organization defaults changed',
  PROJECT_SETTINGS_UPDATED: 'Project settings changed',
  PROJECT_SETTINGS_RESET: 'Project reset to defaults',
  REPOSITORY_ADDED: 'Repository added',
  REPOSITORY_UPDATED: 'Repository changed',
  REPOSITORY_REMOVED: 'Repository removed',
};

// null is "inherit" for a project's override, and "none" elsewhere (a repository before it was added).
function formatJson(value, targetType) {
  if (value === null || value === undefined) return targetType === 'PROJECT' ? 'inherit' : 'none';
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

function targetName(entry, targets) {
  const target = targets[entry.targetId];
  if (!target) {
    const named = entry.changes.find((change) => change.field === 'name');
    return named ? `${named.before ?? named.after} (since removed)` : `a ${entry.targetType.toLowerCase()} since removed`;
  }
  if (entry.targetType === 'REPOSITORY') return `${target.name}${target.project ? ` in ${target.project.slug}` : ''}`;
  return target.slug ?? target.name;
}

// Consecutive entries of one batch (one mutation) form one group.
function batches(entries) {
  const groups = [];
  for (const entry of entries) {
    const last = groups[groups.length - 1];
    if (last && last.batchId === entry.batchId) last.entries.push(entry);
    else groups.push({ batchId: entry.batchId, entries: [entry] });
  }
  return groups;
}

export function AuditLogPage({ store }) {
  const state = useStore(store);
  const slug = state.view.organization;
  const log = state.audit;
  const [projectSlug, setProjectSlug] = useState(() => new URLSearchParams(window.location.search).get('project') ?? '');

  useEffect(() => {
    store.actions.loadOrganization();
    store.actions.loadAudit(projectSlug.trim());
  }, [store]);

  const submit = (event) => {
    event.preventDefault();
    const url = new URL(window.location.href);
    if (projectSlug.trim()) url.searchParams.set('project', projectSlug.trim());
    else url.searchParams.delete('project');
    window.history.replaceState(null, '', url);
    store.actions.loadAudit(projectSlug.trim());
  };

  return html`
    <${PageHeading} organization=${state.organization} slug=${slug} current="audit" />
    <section class="card" aria-labelledby="audit-title">
      <div class="card-header">
        <h2 id="audit-title">Changes</h2>
        <p class="card-description">Newest first. The changes one save made are grouped together.</p>
      </div>
      <form class="list-tools" onSubmit=${submit} role="search">
        <span class="text-field search-field">
          <label for="audit-project">Project</label>
          <input id="audit-project" type="search" data-test-id="audit-project-filter" placeholder="A project's slug; empty: every change"
            value=${projectSlug} onInput=${(event) => setProjectSlug(event.currentTarget.value)} />
        </span>
        <button type="submit" class="button" data-test-id="audit-filter-apply">Filter</button>
      </form>
      ${log.error && html`<p class="error" role="alert">${log.error}</p>`}
      ${log.totalCount !== null && html`<p class="list-count" role="status" data-test-id="audit-count">${log.totalCount} ${log.totalCount === 1 ? 'entry' : 'entries'}</p>`}
      <ol class="audit-list" aria-label="Audit log">
        ${batches(log.entries).map((batch) => html`
          <li class="audit-batch" data-test-id="audit-batch" data-batch-id=${batch.batchId}>
            <div class="audit-batch-header">
              <span class="audit-actor">${batch.entries[0].actor}</span>
              <time datetime=${batch.entries[0].createdAt}>${new Date(batch.entries[0].createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}</time>
              ${batch.entries.length > 1 && html`<span class="badge">${batch.entries.length} changes in one batch</span>`}
            </div>
            <ul class="audit-entries">
              ${batch.entries.map((entry) => html`
                <li class="audit-entry" data-test-id="audit-entry" data-action=${entry.action}>
                  <p><strong>${ACTIONS[entry.action] ?? entry.action}</strong>: ${targetName(entry, log.targets)}</p>
                  ${entry.changes.length > 0 && html`<ul class="audit-changes">
                    ${entry.changes.map((change) => html`<li><code>${change.field}</code> ${formatJson(change.before, entry.targetType)} <span aria-label="changed to">→</span> ${formatJson(change.after, entry.targetType)}</li>`)}
                  </ul>`}
                </li>`)}
            </ul>
          </li>`)}
      </ol>
      ${log.loading && html`<p class="loading" role="status">Loading the audit log…</p>`}
      ${!log.loading && log.totalCount === 0 && !log.error && html`<p class="empty">No changes yet.</p>`}
      ${log.pageInfo?.hasNextPage && !log.loading && html`<button type="button" class="button load-more"
        onClick=${() => store.actions.loadAudit(log.project, { append: true })}>Load older changes</button>`}
    </section>
  `;
}
