// The review explorer: wires the controls to the state, the state to the URL, and each state to
// one _search. Flow: an interaction computes the next state -> navigate() pushes its URL ->
// show() fetches what the index needs (mapping and date span, once per index) and runs the
// search -> render.js draws the answer. Back/forward (popstate) and edited URLs go through show().
//
// For tests and scripts, <body> carries data-status (loading | ready | error) and data-renders
// (a counter of finished renders).

import { api, ApiError } from './api.js';
import { el, replaceChildren } from './dom.js';
import { drawChart } from './chart.js';
import { formatCount } from './format.js';
import { buildSearchBody, chartInterval, spanBody } from './request.js';
import {
  renderChips, renderComplaints, renderCount, renderFacets, renderPager, renderPositiveShare, renderResults,
} from './render.js';
import { schemaFromMapping } from './schema.js';
import { emptyState, hashFromState, stateFromHash, toggleFilter, withChanges } from './state.js';

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('search-form'), q: $('q'), index: $('index-select'), indexDocs: $('index-docs'),
  sort: $('sort-select'), dateFrom: $('date-from'), dateTo: $('date-to'), dateRange: $('date-range'),
  votesMin: $('votes-min'), votesMax: $('votes-max'), votesRange: $('votes-range'),
  chips: $('chips'), message: $('message'), facets: $('facets'), facetsToggle: $('facets-toggle'),
  chart: $('chart'), share: $('positive-share'), complaints: $('complaints'), complaintsCard: $('complaints-card'),
  count: $('result-count'), chartTitle: $('chart-title'), qLabel: document.querySelector('label[for="q"]'), results: $('results'), pager: $('pager'), overview: document.querySelector('.overview'),
};

let indices = null;            // [{name, docs}] from _cat/indices
const contexts = new Map();    // index name -> {schema, span: {min, max}}
const expanded = new Set();    // facet fields showing more values (not part of the URL)
let state = emptyState();
let shownHash = null;          // the URL fragment the page shows (or is loading)
let inflight = null;           // AbortController of the request in progress
let lastChart = null;          // {buckets, options} to redraw on resize
let renders = 0;

function setStatus(status) {
  document.body.dataset.status = status;
  ui.results.setAttribute('aria-busy', String(status === 'loading'));
}

function finishRender(status) {
  setStatus(status);
  renders += 1;
  document.body.dataset.renders = String(renders);
}

// `reason`: the server's own words (shown as written, in monospace) rather than the page's.
function showMessage(title, detail, { retry = false, reason = false } = {}) {
  replaceChildren(ui.message,
    el('p', { class: 'message-title' }, title),
    detail ? el('p', { class: reason ? 'message-detail reason' : 'message-detail' }, detail) : null,
    retry ? el('button', { type: 'button', class: 'secondary', onclick: () => { shownHash = null; show(); } }, 'Try again') : null);
  ui.message.hidden = false;
}

function hideMessage() {
  ui.message.hidden = true;
  ui.message.replaceChildren();
}

// What a failed request means to the person using the page: {title, detail, retry, reason}.
function explain(err, index) {
  if (!(err instanceof ApiError)) return { title: 'Something went wrong in the page.', detail: String((err && err.message) || err) };
  if (err.kind === 'unreachable') return { title: 'The server does not answer.', detail: err.message, retry: true };
  if (err.type === 'index_not_found_exception') {
    return { title: `There is no index [${index}]. Pick another index above.`, detail: err.message, reason: true };
  }
  if (err.status === 400) return { title: 'The search could not run.', detail: err.message, reason: true };
  return { title: `The server answered with an error (${err.status}).`, detail: err.message, retry: err.status >= 500, reason: true };
}

// After an error nothing of the previous answer stays on screen: it would describe another search.
function clearResults() {
  ui.results.replaceChildren();
  ui.pager.replaceChildren();
  ui.count.textContent = '';
  ui.facets.replaceChildren();
  ui.overview.hidden = true;
  lastChart = null;
}

// ---------------------------------------------------------------------------------------------
// Navigation

function navigate(next, { replace = false, focusResults = false } = {}) {
  const hash = hashFromState(next);
  if (replace) history.replaceState(null, '', hash);
  else if (hash !== location.hash) history.pushState(null, '', hash);
  show({ focusResults });
}

const actions = {
  toggleFilter: (field, value) => navigate(toggleFilter(state, field, value)),
  clearRange: (which) => navigate(withChanges(state, which === 'date' ? { from: '', to: '' } : { vmin: '', vmax: '' })),
  clearAll: () => navigate(withChanges(state, { filters: {}, from: '', to: '', vmin: '', vmax: '' })),
  goToPage: (target) => navigate({ ...state, ...target }, { focusResults: true }),
  toggleExpanded: (field) => {
    if (expanded.has(field)) expanded.delete(field); else expanded.add(field);
    shownHash = null; // same URL, more facet values: search again
    show();
  },
  addWord: (word) => {
    const q = state.q.trim() ? `${state.q.trim()} ${word}` : word;
    navigate(withChanges(state, { q }));
  },
};

// ---------------------------------------------------------------------------------------------
// Loading what an index needs, once

async function loadIndices(signal) {
  if (indices) return indices;
  indices = await api.indices(signal);
  ui.index.replaceChildren(...indices.map((ix) => el('option', { value: ix.name }, ix.name)));
  return indices;
}

async function indexContext(name, signal) {
  if (contexts.has(name)) return contexts.get(name);
  const schema = schemaFromMapping(await api.mapping(name, signal));
  let span = null;
  if (schema.dateField) {
    const answer = await api.search(name, spanBody(schema), signal);
    const stats = answer.aggregations && answer.aggregations.span;
    if (stats && stats.count) span = { min: stats.min, max: stats.max };
  }
  const context = { schema, span };
  contexts.set(name, context);
  return context;
}

// The controls that depend on the index's fields.
function syncControls(context) {
  const { schema } = context;
  ui.q.value = state.q;
  ui.index.value = state.index;
  const ix = indices && indices.find((i) => i.name === state.index);
  ui.indexDocs.textContent = ix ? `${formatCount(ix.docs)} documents` : '';
  ui.sort.replaceChildren(...schema.sorts.map((s) => el('option', { value: s.value }, s.label)));
  ui.sort.value = schema.sorts.some((s) => s.value === state.sort) ? state.sort : 'relevance';
  ui.dateRange.hidden = !schema.dateField;
  ui.votesRange.hidden = !schema.votesField;
  // Words that name the documents: reviews on the review mapping, documents elsewhere.
  const many = schema.noun.many;
  ui.chartTitle.textContent = `${many[0].toUpperCase()}${many.slice(1)} over time`;
  ui.qLabel.textContent = `Search ${many}`;
  ui.q.placeholder = schema.isReviews ? 'Search reviews, e.g. crashes AND refund' : `Search ${many}`;
  ui.dateFrom.value = state.from;
  ui.dateTo.value = state.to;
  ui.votesMin.value = state.vmin;
  ui.votesMax.value = state.vmax;
  if (context.span) {
    const min = new Date(context.span.min).toISOString().slice(0, 10);
    const max = new Date(context.span.max).toISOString().slice(0, 10);
    for (const input of [ui.dateFrom, ui.dateTo]) { input.min = min; input.max = max; }
  }
}

function intervalFor(context) {
  const span = context.span || {};
  const min = state.from ? Date.parse(state.from) : span.min;
  const max = state.to ? Date.parse(state.to) + 86399999 : span.max;
  return chartInterval(Math.max(min, span.min ?? min), Math.min(max, span.max ?? max));
}

// ---------------------------------------------------------------------------------------------
// One state on screen

async function show({ focusResults = false } = {}) {
  if (location.hash === shownHash) return;
  shownHash = location.hash;
  state = stateFromHash(location.hash);
  if (inflight) inflight.abort();
  const controller = new AbortController();
  inflight = controller;
  const focusKey = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.focusKey;
  setStatus('loading');
  try {
    const list = await loadIndices(controller.signal);
    if (!state.index) {
      if (!list.length) {
        clearResults();
        showMessage('This server has no indices yet.',
          'Create one and load reviews, e.g. quarry generate 20000 | quarry load - --index reviews --id-field review_id --refresh, then reload this page.');
        finishRender('error');
        return;
      }
      const preferred = list.find((ix) => ix.name === 'reviews') || list[0];
      state.index = preferred.name;
      shownHash = hashFromState(state);
      history.replaceState(null, '', shownHash);
    }
    const context = await indexContext(state.index, controller.signal);
    syncControls(context);
    const interval = intervalFor(context);
    const { body, reversed } = buildSearchBody(state, context.schema, { interval, expanded });
    const response = await api.search(state.index, body, controller.signal);
    if (controller !== inflight) return;
    render(response, context, reversed, interval);
    hideMessage();
    finishRender('ready');
    restoreFocus(focusKey, focusResults);
  } catch (err) {
    if (err.name === 'AbortError') return;
    if (controller !== inflight) return;
    const { title, detail, ...options } = explain(err, state.index);
    showMessage(title, detail, options);
    clearResults();
    if (err instanceof ApiError && err.type === 'index_not_found_exception') {
      ui.index.value = '';
      indices = null; // the list may be stale: fetch it again next time
    }
    finishRender('error');
  } finally {
    if (controller === inflight) inflight = null;
  }
}

function render(response, context, reversed, interval) {
  const { schema } = context;
  const total = response.hits.total ? response.hits.total.value : response.hits.hits.length;
  const hits = renderResults(ui.results, response, schema, reversed);
  renderCount(ui.count, total, state, schema.noun);
  renderPager(ui.pager, total, state, hits, actions);
  renderFacets(ui.facets, response, schema, state, expanded, actions);
  renderChips(ui.chips, state, schema, actions);
  const active = Object.values(state.filters).reduce((n, values) => n + values.length, 0);
  ui.facetsToggle.textContent = active ? `Filters (${active} selected)` : 'Filters';
  const selection = response.aggregations && response.aggregations.selection;
  renderPositiveShare(ui.share, selection);
  renderComplaints(ui.complaints, ui.complaintsCard, selection, actions);
  ui.overview.hidden = !(selection && selection.volume) && ui.complaintsCard.hidden;
  if (selection && selection.volume) {
    lastChart = { buckets: selection.volume.buckets, options: {
      interval, withVerdict: Boolean(schema.verdictField), noun: schema.noun,
      onPick: (from, to) => navigate(withChanges(state, { from, to })),
    } };
    drawChart(ui.chart, lastChart.buckets, lastChart.options);
  } else {
    lastChart = null;
    ui.chart.replaceChildren();
  }
}

// Re-rendering replaces the button that had focus: give focus to its successor (same key), or to
// the results after paging, so keyboard users keep their place.
function restoreFocus(key, focusResults) {
  if (focusResults) {
    ui.results.focus({ preventScroll: false });
    return;
  }
  if (!key) return;
  const target = document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (target && !target.disabled) target.focus();
  else if (key.startsWith('chip:')) ui.q.focus();
}

// ---------------------------------------------------------------------------------------------
// Controls

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  shownHash = null; // Search always asks again, even for the same query (e.g. the server is back)
  navigate(withChanges(state, { q: ui.q.value.trim() }));
});

ui.index.addEventListener('change', () => {
  navigate(emptyState(ui.index.value));
});

ui.sort.addEventListener('change', () => navigate(withChanges(state, { sort: ui.sort.value })));

function onRangeChange() {
  navigate(withChanges(state, {
    from: ui.dateFrom.value, to: ui.dateTo.value,
    vmin: ui.votesMin.value.replace(/\D/g, ''), vmax: ui.votesMax.value.replace(/\D/g, ''),
  }));
}
for (const input of [ui.dateFrom, ui.dateTo, ui.votesMin, ui.votesMax]) {
  input.addEventListener('change', onRangeChange);
  input.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); onRangeChange(); } });
}

ui.facetsToggle.addEventListener('click', () => {
  const open = ui.facetsToggle.getAttribute('aria-expanded') !== 'true';
  ui.facetsToggle.setAttribute('aria-expanded', String(open));
  ui.facets.classList.toggle('open', open);
});

window.addEventListener('popstate', () => show());
window.addEventListener('hashchange', () => show());

// Redraw the chart at a new width, outside the observer's callback (drawing inside it could
// resize the observed box again, which browsers report as an error).
let resizeFrame = 0;
let chartWidth = 0;
new ResizeObserver(() => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => {
    if (!lastChart || ui.chart.clientWidth === chartWidth) return;
    chartWidth = ui.chart.clientWidth;
    drawChart(ui.chart, lastChart.buckets, lastChart.options);
  });
}).observe(ui.chart);

show();
