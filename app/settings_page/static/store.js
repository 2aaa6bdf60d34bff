// The page's state, in one place: what the API answered, the user's draft, and the state of each call. A
// store is made per page (no module-level state); components read it with useStore and change it only
// through its actions. The browser decides nothing about inheritance: every value and its source shown
// comes from the API, the draft only holds what the user set.
import { useEffect, useReducer } from './vendor/preact-htm.js';

export const PAGE_SIZE = 50;
export const SETTINGS = [
  { field: 'scanEnabled', name: 'SCAN_ENABLED', label: 'Issue Scanning', kind: 'boolean' },
  { field: 'fixEnabled', name: 'FIX_ENABLED', label: 'Automatic Fixes', kind: 'boolean' },
  { field: 'stoppingPoint', name: 'STOPPING_POINT', label: 'Stopping Point', kind: 'stoppingPoint' },
];
export const STOPPING_POINTS = [
  { value: 'SUGGESTION', option: 'suggestion', label: 'Suggestion Only' },
  { value: 'PULL_REQUEST', option: 'pull_request', label: 'Create Pull Request' },
  { value: 'MERGE', option: 'merge', label: 'Merge Automatically' },
];

function initialState(view) {
  return {
    view,
    organization: null,
    organizationError: null,
    projects: { nodes: [], totalCount: null, pageInfo: null, loading: false, error: null },
    filter: { search: '', customOnly: false },
    details: {}, // by project slug: { project, repositories, loading, error }
    expanded: {}, // project slug -> true
    draft: { organization: {}, projects: {} }, // projects: id -> { slug, override, changes }
    draftStartedAt: null, // performance.now() of the draft's first edit: a save reports the time it took
    save: { status: 'idle', messages: [] },
    selection: { all: false, slugs: {} }, // slug -> project id
    bulk: { setting: 'fix_enabled', value: 'on', status: 'idle', preview: null, messages: [] },
    results: {}, // of what is written at once, by key -> { status, message, errors: { field: message } }
    audit: { project: '', entries: [], targets: {}, pageInfo: null, totalCount: null, loading: false, error: null },
  };
}

export function createStore(request, view) {
  let state = initialState(view);
  const listeners = new Set();
  const set = (changes) => {
    state = { ...state, ...changes };
    for (const listener of listeners) listener();
  };
  const get = () => state;
  let projectsRequest = 0; // only the newest list request may write the list

  async function loadOrganization() {
    try {
      const data = await request('SettingsPageOrganization', { slug: view.organization });
      set({ organization: data.organization, organizationError: data.organization ? null : 'Not found.' });
    } catch (error) {
      set({ organizationError: error.message });
    }
  }

  async function loadProjects({ append = false, count = PAGE_SIZE } = {}) {
    const ticket = ++projectsRequest;
    const { filter, projects } = get();
    set({ projects: { ...projects, loading: true, error: null } });
    const variables = {
      slug: view.organization,
      first: count,
      after: append ? projects.pageInfo?.endCursor : null,
      filter: projectFilter(filter),
    };
    try {
      const data = await request('SettingsPageProjects', variables);
      if (ticket !== projectsRequest) return;
      const page = data.organization.projects;
      const nodes = append ? [...get().projects.nodes, ...page.nodes] : page.nodes;
      set({ projects: { nodes, totalCount: page.totalCount, pageInfo: page.pageInfo, loading: false, error: null } });
    } catch (error) {
      if (ticket !== projectsRequest) return;
      set({ projects: { ...get().projects, loading: false, error: error.message } });
    }
  }

  async function loadProject(slug) {
    const current = get().details[slug];
    set({ details: { ...get().details, [slug]: { ...current, loading: true, error: null } } });
    try {
      const data = await request('SettingsPageProject', { slug: view.organization, projectSlug: slug });
      const project = data.organization?.project;
      const entry = project
        ? { project, repositories: project.repositories.nodes, loading: false, error: null }
        : { loading: false, error: `There is no project ${slug}.` };
      set({ details: { ...get().details, [slug]: entry } });
    } catch (error) {
      set({ details: { ...get().details, [slug]: { ...current, loading: false, error: error.message } } });
    }
  }

  // Everything shown again as the API has it now: after a save, a bulk change, or a conflict.
  async function reloadAll() {
    const loaded = Math.min(Math.max(get().projects.nodes.length, PAGE_SIZE), 1000);
    const slugs = new Set(Object.keys(get().expanded));
    if (view.project) slugs.add(view.project);
    await Promise.all([
      loadOrganization(),
      view.kind === 'organization' ? loadProjects({ count: loaded }) : null,
      ...[...slugs].map((slug) => loadProject(slug)),
    ]);
  }

  // The project as last read: its details when loaded (they are read later than the list's page).
  function project(slug) {
    return get().details[slug]?.project ?? get().projects.nodes.find((node) => node.slug === slug) ?? null;
  }

  function setFilter(changes) {
    set({ filter: { ...get().filter, ...changes }, selection: { all: false, slugs: {} }, bulk: { ...get().bulk, preview: null } });
    return loadProjects();
  }

  function toggleExpanded(slug) {
    const expanded = { ...get().expanded };
    if (expanded[slug]) delete expanded[slug];
    else {
      expanded[slug] = true;
      if (!get().details[slug]?.project) loadProject(slug);
    }
    set({ expanded });
  }

  // The organization's draft: a field equal to the stored value is no change.
  function setOrganizationValue(field, value) {
    const stored = get().organization.settings[field];
    const draft = { ...get().draft.organization };
    if (sameValue(value, stored)) delete draft[field];
    else draft[field] = value;
    setDraft({ ...get().draft, organization: draft });
  }

  function lockedSettings() {
    return get().draft.organization.lockedSettings ?? get().organization.settings.lockedSettings;
  }

  function setLocked(name, locked) {
    const names = new Set(lockedSettings());
    if (locked) names.add(name);
    else names.delete(name);
    setOrganizationValue('lockedSettings', SETTINGS.map((s) => s.name).filter((n) => names.has(n)));
  }

  // Switching a project's override on pins every setting it may override at the value in force (the
  // API's); off removes every override. Back to the stored state, the project has no draft.
  function setOverride(slug, on) {
    const stored = project(slug);
    const drafts = { ...get().draft.projects };
    if (on === stored.hasOverrides) delete drafts[stored.id];
    else {
      const changes = {};
      for (const { field } of SETTINGS) {
        const effective = stored.effectiveSettings[field];
        if (!on) changes[field] = null;
        else if (!effective.locked) changes[field] = effective.value;
      }
      drafts[stored.id] = { slug, override: on, changes };
    }
    setDraft({ ...get().draft, projects: drafts });
  }

  function setProjectValue(slug, field, value) {
    const stored = project(slug);
    const drafts = { ...get().draft.projects };
    const current = drafts[stored.id] ?? { slug, override: true, changes: {} };
    drafts[stored.id] = { ...current, changes: { ...current.changes, [field]: value } };
    setDraft({ ...get().draft, projects: drafts });
  }

  // An edit of the draft; the first one starts the clock of the save that follows.
  function setDraft(draft) {
    const draftStartedAt = get().draftStartedAt ?? performance.now();
    set({ draft, draftStartedAt, save: { status: 'idle', messages: [] } });
  }

  function discardDraft() {
    set({ draft: { organization: {}, projects: {} }, draftStartedAt: null, save: { status: 'idle', messages: [] } });
  }

  // The launch's analytics: one ai_settings_save_success event per save. A report the API refuses (its
  // rate limit) or cannot take changes nothing for the user, whose settings are saved.
  async function reportSaved(settingsType, startedAt) {
    const timeToCompleteMilliseconds = Math.max(0, Math.round(performance.now() - (startedAt ?? performance.now())));
    try {
      await request('RecordSettingsSaved', { input: { settingsType, timeToCompleteMilliseconds } });
    } catch {
      // Analytics only: nothing to tell the user.
    }
  }

  function saveInput() {
    const { organization, draft } = get();
    const input = { organizationId: organization.id, projects: [] };
    if (Object.keys(draft.organization).length) {
      input.organization = { ...draft.organization, expectedVersion: organization.settings.version };
    }
    for (const [id, entry] of Object.entries(draft.projects)) {
      input.projects.push({ projectId: id, changes: entry.changes, expectedVersion: project(entry.slug).version });
    }
    return input;
  }

  async function save() {
    const input = saveInput();
    set({ save: { status: 'saving', messages: [] } });
    let payload;
    try {
      payload = (await request('SaveSettings', { input })).saveSettings;
    } catch (error) {
      set({ save: { status: 'failed', messages: [error.message] } });
      return;
    }
    if (payload.userErrors.length) {
      const stale = payload.userErrors.some((error) => error.code === 'STALE_VERSION');
      const messages = payload.userErrors.map((error) => describeUserError(error, input, get().draft.projects));
      set({ save: { status: stale ? 'conflict' : 'failed', messages } });
      return;
    }
    // Shown as saved only once the values are read back from the API (and the save reported).
    const startedAt = get().draftStartedAt;
    set({ draft: { organization: {}, projects: {} }, draftStartedAt: null });
    await Promise.all([reloadAll(), reportSaved(input.organization ? 'ORGANIZATION' : 'PROJECT', startedAt)]);
    const changed = (input.organization ? 1 : 0) + input.projects.length;
    set({ save: { status: 'saved', messages: [`Saved: ${changed === 1 ? 'one change' : `${changed} changes`} in one batch.`] } });
  }

  // A conflict keeps the draft: the latest values (and versions) come in under it.
  async function reloadLatest() {
    await reloadAll();
    set({ save: { status: 'idle', messages: ['The latest values are shown; your changes are still a draft. Save to apply them over the new values.'] } });
  }

  async function resetProject(slug) {
    const stored = project(slug);
    const key = `reset:${slug}`;
    try {
      const payload = (await request('ResetProjectSettings', { input: { projectIds: [stored.id] } })).resetProjectSettings;
      if (payload.userErrors.length) {
        setResult(key, { status: 'failed', message: payload.userErrors.map((e) => e.message).join(' ') });
        return;
      }
    } catch (error) {
      setResult(key, { status: 'failed', message: error.message });
      return;
    }
    const drafts = { ...get().draft.projects };
    delete drafts[stored.id];
    set({ draft: { ...get().draft, projects: drafts } });
    await reloadAll();
    setResult(key, { status: 'done', message: `${slug} now inherits every setting from the organization.` });
  }

  function setResult(key, result) {
    set({ results: { ...get().results, [key]: result } });
  }

  function replaceRepository(slug, repository, removedId = null) {
    const entry = get().details[slug];
    let repositories = entry.repositories.filter((r) => r.id !== removedId);
    if (repository) {
      const index = repositories.findIndex((r) => r.id === repository.id);
      repositories = index < 0 ? [...repositories, repository] : repositories.map((r, i) => (i === index ? { ...r, ...repository } : r));
    }
    set({ details: { ...get().details, [slug]: { ...entry, repositories } } });
  }

  async function repositoryCall(key, operation, field, input) {
    setResult(key, { status: 'working', message: 'Saving…', errors: {} });
    try {
      const payload = (await request(operation, { input }))[field];
      if (payload.userErrors.length) {
        const errors = {};
        for (const error of payload.userErrors) errors[error.field?.[1] ?? ''] = error.message;
        setResult(key, { status: 'failed', message: payload.userErrors.map((e) => e.message).join(' '), errors });
        return null;
      }
      return payload;
    } catch (error) {
      setResult(key, { status: 'failed', message: error.message, errors: {} });
      return null;
    }
  }

  async function updateRepository(slug, repository, changes, done) {
    const key = `repository:${repository.id}`;
    const payload = await repositoryCall(key, 'UpdateRepository', 'updateRepository', { repositoryId: repository.id, ...changes });
    if (!payload) return false;
    const updated = { ...repository, ...payload.repository };
    replaceRepository(slug, updated);
    setResult(key, { status: 'done', message: done(updated), errors: {} });
    return true;
  }

  async function addRepository(slug, form) {
    const key = `add:${slug}`;
    const input = { projectId: project(slug).id, provider: form.provider, name: form.name.trim(), branchPatterns: splitPatterns(form.patterns) };
    const payload = await repositoryCall(key, 'AddRepository', 'addRepository', input);
    if (!payload) return false;
    replaceRepository(slug, payload.repository);
    setResult(key, { status: 'done', message: `Added ${payload.repository.name}.`, errors: {} });
    return true;
  }

  async function removeRepository(slug, repository) {
    const key = `add:${slug}`;
    const payload = await repositoryCall(key, 'RemoveRepository', 'removeRepository', { repositoryId: repository.id });
    if (!payload) return;
    replaceRepository(slug, null, repository.id);
    setResult(key, { status: 'done', message: `Removed ${repository.name}.`, errors: {} });
  }

  function setSelected(slug, id, selected) {
    const slugs = { ...get().selection.slugs };
    if (selected) slugs[slug] = id;
    else delete slugs[slug];
    set({ selection: { all: false, slugs }, bulk: { ...get().bulk, preview: null, status: 'idle', messages: [] } });
  }

  function setSelectAll(all) {
    set({ selection: { all, slugs: {} }, bulk: { ...get().bulk, preview: null, status: 'idle', messages: [] } });
  }

  function setBulk(changes) {
    const bulk = { ...get().bulk, ...changes, preview: null, status: 'idle', messages: [] };
    if (changes.setting) bulk.value = changes.setting === 'stopping_point' ? 'pull_request' : 'on';
    set({ bulk });
  }

  function bulkInput(dryRun) {
    const { organization, selection, bulk, filter } = get();
    const setting = SETTINGS.find((s) => s.name === bulk.setting.toUpperCase());
    const value = bulk.value === 'inherit' ? null : setting.kind === 'boolean' ? bulk.value === 'on' : bulk.value.toUpperCase();
    const input = { organizationId: organization.id, changes: { [setting.field]: value }, dryRun };
    if (selection.all) input.filter = projectFilter(filter);
    else input.projectIds = Object.values(selection.slugs);
    return input;
  }

  async function runBulk(dryRun) {
    const input = bulkInput(dryRun);
    set({ bulk: { ...get().bulk, status: dryRun ? 'previewing' : 'applying', messages: [] } });
    let payload;
    try {
      payload = (await request('BulkUpdateProjectSettings', { input })).bulkUpdateProjectSettings;
    } catch (error) {
      set({ bulk: { ...get().bulk, status: 'failed', messages: [error.message] } });
      return;
    }
    if (payload.userErrors.length) {
      set({ bulk: { ...get().bulk, status: 'failed', messages: payload.userErrors.map((e) => e.message) } });
      return;
    }
    const preview = { affectedCount: payload.affectedCount, diffs: payload.diffs };
    if (dryRun) {
      set({ bulk: { ...get().bulk, status: 'previewed', preview } });
      return;
    }
    await reloadAll();
    const count = payload.affectedCount;
    set({
      selection: { all: false, slugs: {} },
      bulk: { ...get().bulk, status: 'applied', preview: null, messages: [`Changed ${count} ${count === 1 ? 'project' : 'projects'}.`] },
    });
  }

  // A page of the audit log (filtered by a project's slug, '' for all), with the names of what it is about.
  async function loadAudit(projectSlug, { append = false } = {}) {
    const previous = append ? get().audit : { entries: [], targets: {}, pageInfo: null, totalCount: null };
    set({ audit: { ...get().audit, ...previous, project: projectSlug, loading: true, error: null } });
    try {
      let filter = null;
      if (projectSlug) {
        const found = await request('SettingsPageProject', { slug: view.organization, projectSlug });
        if (!found.organization?.project) throw new Error(`There is no project ${projectSlug}.`);
        filter = { targetId: found.organization.project.id };
      }
      const after = previous.pageInfo?.endCursor ?? null;
      const page = (await request('AuditLog', { slug: view.organization, first: PAGE_SIZE, after, filter })).organization.auditLog;
      const targets = { ...previous.targets };
      const ids = [...new Set(page.nodes.map((entry) => entry.targetId))].filter((id) => !(id in targets));
      if (ids.length) {
        const found = await request('AuditTargets', { ids });
        found.nodes.forEach((node, index) => { if (node) targets[ids[index]] = node; });
      }
      set({ audit: { project: projectSlug, entries: [...previous.entries, ...page.nodes], targets, pageInfo: page.pageInfo, totalCount: page.totalCount, loading: false, error: null } });
    } catch (error) {
      set({ audit: { ...previous, project: projectSlug, totalCount: null, loading: false, error: error.message } });
    }
  }

  return {
    getState: get,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    project,
    lockedSettings,
    actions: {
      loadOrganization, loadProjects, loadProject, setFilter, toggleExpanded, setOrganizationValue, setLocked,
      setOverride, setProjectValue, discardDraft, save, reloadLatest, resetProject, updateRepository,
      addRepository, removeRepository, setSelected, setSelectAll, setBulk, runBulk, loadAudit,
    },
  };
}

export function useStore(store) {
  const [, rerender] = useReducer((count) => count + 1, 0);
  useEffect(() => store.subscribe(rerender), [store]);
  return store.getState();
}

export function projectFilter(filter) {
  const result = {};
  if (filter.search.trim()) result.search = filter.search.trim();
  if (filter.customOnly) result.hasOverrides = true;
  return result;
}

// Several patterns: separated by commas or new lines.
export function splitPatterns(text) {
  return text.split(/[,\n]/).map((pattern) => pattern.trim()).filter(Boolean);
}

export function draftCount(draft) {
  return Object.keys(draft.organization).length + Object.keys(draft.projects).length;
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// A user error of the save, naming the project it is about (its field path holds the project's index).
function describeUserError(error, input, drafts) {
  const [, group, index] = error.field ?? [];
  if (group === 'projects' && index !== undefined) {
    const entry = drafts[input.projects[Number(index)]?.projectId];
    if (entry) return `${entry.slug}: ${error.message}`;
  }
  if (group === 'organization') return `Organization defaults: ${error.message}`;
  return error.message;
}
