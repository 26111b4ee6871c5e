// The page's state and its URL. Everything a person sees follows from this state, and the state is
// kept in the URL's fragment (#index=reviews&q=bugs&f.language=english&page=2), so a URL can be
// shared and back/forward restore exactly what was shown. The fragment never reaches the server.

export const PAGE_SIZE = 10;
// Pages up to this one are fetched with from/size (and can be jumped to); deeper pages walk on
// with search_after from the page before, so no request goes past this window however deep.
export const FROM_SIZE_PAGES = 10;

export function emptyState(index = '') {
  return {
    index,
    q: '',
    sort: 'relevance',
    page: 1,
    after: null,   // search_after cursor that starts this page (deep pages reached with Next)
    before: null,  // cursor that ends this page (deep pages reached with Previous)
    filters: {},   // facet field -> selected values (strings), ORed within a field, ANDed across
    from: '',      // date range, YYYY-MM-DD, inclusive
    to: '',
    vmin: '',      // helpful votes range, inclusive
    vmax: '',
  };
}

function parseCursor(text) {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WHOLE = /^\d+$/;

export function stateFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const state = emptyState(params.get('index') || '');
  state.q = params.get('q') || '';
  state.sort = params.get('sort') || 'relevance';
  const page = Number.parseInt(params.get('page') || '1', 10);
  state.page = Number.isFinite(page) && page > 0 ? page : 1;
  state.after = parseCursor(params.get('after'));
  state.before = parseCursor(params.get('before'));
  // A deep page without its cursor cannot be fetched: start that listing again.
  if (state.page > FROM_SIZE_PAGES && !state.after && !state.before) state.page = 1;
  for (const [key, value] of params) {
    if (!key.startsWith('f.')) continue;
    const field = key.slice(2);
    (state.filters[field] ||= []).includes(value) || state.filters[field].push(value);
  }
  const from = params.get('from') || '';
  const to = params.get('to') || '';
  state.from = DATE.test(from) ? from : '';
  state.to = DATE.test(to) ? to : '';
  const vmin = params.get('vmin') || '';
  const vmax = params.get('vmax') || '';
  state.vmin = WHOLE.test(vmin) ? vmin : '';
  state.vmax = WHOLE.test(vmax) ? vmax : '';
  return state;
}

export function hashFromState(state) {
  const params = new URLSearchParams();
  if (state.index) params.set('index', state.index);
  if (state.q) params.set('q', state.q);
  if (state.sort && state.sort !== 'relevance') params.set('sort', state.sort);
  for (const [field, values] of Object.entries(state.filters)) {
    for (const value of values) params.append(`f.${field}`, value);
  }
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.vmin) params.set('vmin', state.vmin);
  if (state.vmax) params.set('vmax', state.vmax);
  if (state.page > 1) params.set('page', String(state.page));
  if (state.page > FROM_SIZE_PAGES && state.after) params.set('after', JSON.stringify(state.after));
  if (state.page > FROM_SIZE_PAGES && state.before) params.set('before', JSON.stringify(state.before));
  return '#' + params.toString();
}

// A copy of `state` with `changes`; any change but paging goes back to page 1.
export function withChanges(state, changes) {
  const next = { ...state, filters: { ...state.filters }, ...changes };
  if (!('page' in changes)) {
    next.page = 1;
    next.after = null;
    next.before = null;
  }
  return next;
}

export function toggleFilter(state, field, value) {
  const current = state.filters[field] || [];
  const values = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  const filters = { ...state.filters, [field]: values };
  if (values.length === 0) delete filters[field];
  return withChanges(state, { filters });
}
