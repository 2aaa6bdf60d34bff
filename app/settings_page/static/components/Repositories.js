// A project's repositories, each saved as soon as it is changed (not part of the page's draft): the AI
// switch on click, the branch patterns on blur or Enter, a new repository on its button.
import { html, useState } from '../vendor/preact-htm.js';
import { splitPatterns } from '../store.js';
import { Switch } from './Switch.js';
import { ConfirmDialog } from './ConfirmDialog.js';

const PROVIDERS = [
  { value: 'GITHUB', option: 'github', label: 'GitHub' },
  { value: 'GITLAB', option: 'gitlab', label: 'GitLab' },
  { value: 'BITBUCKET', option: 'bitbucket', label: 'Bitbucket' },
];
const STATUS = {
  ACTIVE: 'Active',
  DISABLED_BY_REPOSITORY: 'Off for this repository',
  DISABLED_BY_SETTINGS: 'Off: the project neither scans nor fixes',
};

function formatTime(value) {
  return value ? new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : 'Never';
}

function Result({ result, id }) {
  if (!result || result.status === 'working') return html`<p id=${id} class="result" role="status">${result?.message ?? ''}</p>`;
  return result.status === 'failed'
    ? html`<p id=${id} class="error" role="alert">${result.message}</p>`
    : html`<p id=${id} class="result" role="status">${result.message}</p>`;
}

function RepositoryRow({ store, slug, repository, editable, readonlyId }) {
  const { actions } = store;
  const key = `repository:${repository.id}`;
  const result = store.getState().results[key];
  const [patterns, setPatterns] = useState(null); // the text being edited, null: the stored patterns
  const [confirming, setConfirming] = useState(false);
  const base = `repository-${repository.id.replace(/[^A-Za-z0-9_-]/g, '')}`;
  const text = patterns ?? repository.branchPatterns.join(', ');
  const savePatterns = async () => {
    if (patterns === null) return;
    const wanted = splitPatterns(patterns);
    if (JSON.stringify(wanted) === JSON.stringify(repository.branchPatterns)) {
      setPatterns(null);
      return;
    }
    const saved = await actions.updateRepository(slug, repository, { branchPatterns: wanted }, (r) =>
      `Branch patterns of ${r.name} saved: ${r.branchPatterns.join(', ') || 'the default branch only'}.`);
    if (saved) setPatterns(null);
  };
  const patternError = result?.status === 'failed' && result.errors?.branchPatterns;
  return html`
    <li class="repository-row" data-test-id="repository-row" data-repository-name=${repository.name}>
      <div class="repository-main">
        <span class="provider">${PROVIDERS.find((p) => p.value === repository.provider)?.label}</span>
        <a class="repository-name" href=${repository.url} rel="noreferrer">${repository.name}</a>
        <span class=${`status status-${repository.status.toLowerCase()}`} data-test-id="repository-status">${STATUS[repository.status]}</span>
        <span class="configured">Configured ${formatTime(repository.lastConfiguredAt)}</span>
      </div>
      <div class="repository-controls">
        <${Switch} id=${`${base}-ai`} label=${`AI in ${repository.name}`} checked=${repository.aiEnabled}
          disabled=${!editable} testId="repository-ai-toggle" describedBy=${editable ? `${base}-result` : readonlyId}
          onChange=${(on) => actions.updateRepository(slug, repository, { aiEnabled: on }, (r) =>
            `AI ${r.aiEnabled ? 'switched on' : 'switched off'} for ${r.name}.`)} />
        <span class="text-field">
          <label for=${`${base}-patterns`}>Branch patterns</label>
          <input id=${`${base}-patterns`} type="text" value=${text} disabled=${!editable} data-test-id="branch-patterns-input"
            placeholder="Default branch only" aria-invalid=${patternError ? 'true' : null}
            aria-describedby=${patternError ? `${base}-result` : `repositories-${slug}-help`}
            onInput=${(event) => setPatterns(event.currentTarget.value)}
            onBlur=${savePatterns}
            onKeyDown=${(event) => { if (event.key === 'Enter') { event.preventDefault(); savePatterns(); } }} />
        </span>
        <button type="button" class="button button-small" disabled=${!editable} data-test-id="remove-repository"
          onClick=${() => setConfirming(true)}>Remove</button>
      </div>
      <${Result} result=${result} id=${`${base}-result`} />
      <${ConfirmDialog} id=${`${base}-remove`} open=${confirming} title=${`Remove ${repository.name}?`} confirmLabel="Remove"
        testId="remove-repository-dialog" onCancel=${() => setConfirming(false)}
        onConfirm=${() => { setConfirming(false); actions.removeRepository(slug, repository); }}>
        <p>The AI assistant stops working in this repository. You can add it again later.</p>
      </${ConfirmDialog}>
    </li>
  `;
}

function AddRepositoryForm({ store, slug, editable, readonlyId }) {
  const [form, setForm] = useState({ provider: 'GITHUB', name: '', patterns: '' });
  const result = store.getState().results[`add:${slug}`];
  const errors = result?.status === 'failed' ? result.errors ?? {} : {};
  const base = `add-repository-${slug}`;
  const submit = async (event) => {
    event.preventDefault();
    if (await store.actions.addRepository(slug, form)) setForm({ provider: form.provider, name: '', patterns: '' });
  };
  const fieldError = (field, id) => errors[field] && html`<p id=${id} class="field-error" role="alert">${errors[field]}</p>`;
  const otherError = result?.status === 'failed' && !errors.name && !errors.branchPatterns;
  return html`
    <form class="add-repository" onSubmit=${submit} aria-labelledby=${`${base}-title`}>
      <h4 id=${`${base}-title`}>Add a repository</h4>
      <div class="form-row">
        <span class="select-field">
          <label for=${`${base}-provider`}>Provider</label>
          <select id=${`${base}-provider`} data-test-id="repository-provider-select" disabled=${!editable}
            onChange=${(event) => setForm({ ...form, provider: PROVIDERS.find((p) => p.option === event.currentTarget.value).value })}>
            ${PROVIDERS.map((p) => html`<option value=${p.option} selected=${p.value === form.provider}>${p.label}</option>`)}
          </select>
        </span>
        <span class="text-field">
          <label for=${`${base}-name`}>Name</label>
          <input id=${`${base}-name`} type="text" placeholder="owner/name" value=${form.name} disabled=${!editable} required
            data-test-id="repository-name-input" aria-invalid=${errors.name ? 'true' : null}
            aria-describedby=${errors.name ? `${base}-name-error` : null}
            onInput=${(event) => setForm({ ...form, name: event.currentTarget.value })} />
          ${fieldError('name', `${base}-name-error`)}
        </span>
        <span class="text-field text-field-wide">
          <label for=${`${base}-patterns`}>Branch patterns</label>
          <textarea id=${`${base}-patterns`} rows="2" placeholder="main, release/*" value=${form.patterns} disabled=${!editable}
            data-test-id="repository-branch-patterns-input" aria-invalid=${errors.branchPatterns ? 'true' : null}
            aria-describedby=${errors.branchPatterns ? `${base}-patterns-error` : `${base}-patterns-help`}
            onInput=${(event) => setForm({ ...form, patterns: event.currentTarget.value })}></textarea>
          <span id=${`${base}-patterns-help`} class="help">Separated by commas or new lines; empty: the default branch only.</span>
          ${fieldError('branchPatterns', `${base}-patterns-error`)}
        </span>
        <button type="submit" class="button button-primary" data-test-id="add-repository" disabled=${!editable}
          aria-describedby=${editable ? null : readonlyId}>Add repository</button>
      </div>
      ${otherError
        ? html`<p class="error" role="alert">${result.message}</p>`
        : result?.status === 'done' && html`<p class="result" role="status" data-test-id="repository-result">${result.message}</p>`}
    </form>
  `;
}

export function Repositories({ store, slug, repositories, editable, readonlyId }) {
  return html`
    <section class="repositories" aria-labelledby=${`repositories-${slug}`}>
      <h3 id=${`repositories-${slug}`}>Repositories <span class="count">${repositories.length}</span></h3>
      <p id=${`repositories-${slug}-help`} class="help">Saved as soon as you change them. Branch patterns are globs separated by commas, saved when you leave the field or press Enter; none: the default branch only.</p>
      ${repositories.length
        ? html`<ul class="repository-list">${repositories.map((repository) => html`<${RepositoryRow} key=${repository.id}
            store=${store} slug=${slug} repository=${repository} editable=${editable} readonlyId=${readonlyId} />`)}</ul>`
        : html`<p class="empty">No repositories yet.</p>`}
      <${AddRepositoryForm} store=${store} slug=${slug} editable=${editable} readonlyId=${readonlyId} />
    </section>
  `;
}
