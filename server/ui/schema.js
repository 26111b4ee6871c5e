// What the page can offer on an index, read from its mapping: which text field to search and
// highlight, which keyword/boolean fields become facets, which date field drives the chart and the
// date filter, which fields the sort options and the result cards use. The Steam review mapping
// (scripts/steam_reviews_template.json) gets its own labels and order; any other index gets its fields
// under their own names.

const REVIEW_FACETS = [
  { field: 'app_name.keyword', label: 'Game' },
  { field: 'language', label: 'Language' },
  { field: 'recommended', label: 'Verdict' },
  { field: 'steam_purchase', label: 'Steam purchase' },
  { field: 'written_during_early_access', label: 'Early access' },
];

// Display names of boolean facet values on the review mapping; other booleans read Yes / No.
const BOOLEAN_LABELS = {
  recommended: { true: 'Recommended', false: 'Not recommended' },
  steam_purchase: { true: 'Bought on Steam', false: 'Not bought on Steam' },
  written_during_early_access: { true: 'During early access', false: 'After release' },
  received_for_free: { true: 'Received for free', false: 'Paid for' },
};

const MAX_GENERIC_FACETS = 6;

// Flattens {properties} into [{path, type}], sub-fields ("fields") included as path.sub.
function flatten(properties, prefix = '', out = []) {
  for (const [name, def] of Object.entries(properties || {})) {
    const path = prefix + name;
    if (def.properties) flatten(def.properties, path + '.', out);
    if (def.type) out.push({ path, type: def.type });
    for (const [sub, subDef] of Object.entries(def.fields || {})) {
      if (subDef.type) out.push({ path: `${path}.${sub}`, type: subDef.type });
    }
  }
  return out;
}

// "author.num_reviews" -> "Author num reviews"; "app_name.keyword" -> "App name".
function humanize(path) {
  const words = path.replace(/\.keyword$/, '').replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ID_LIKE = /(^|[._])(id|uuid|steamid)$/i;

export function schemaFromMapping(properties) {
  const fields = flatten(properties);
  const byPath = new Map(fields.map((f) => [f.path, f.type]));
  const has = (path, ...types) => types.includes(byPath.get(path));
  const isReviews = has('review', 'text') && has('recommended', 'boolean');

  const textFields = fields.filter((f) => f.type === 'text').map((f) => f.path);
  const dateFields = fields.filter((f) => f.type === 'date' || f.type === 'date_nanos').map((f) => f.path);
  const numberType = ['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float'];

  const textField = ['review', 'text', 'body', 'content', 'message', 'description', 'comment', 'title']
    .find((name) => has(name, 'text')) || textFields[0] || null;
  const dateField = has('timestamp_created', 'date') ? 'timestamp_created' : dateFields[0] || null;
  const verdictField = has('recommended', 'boolean') ? 'recommended' : null;
  const votesField = numberType.includes(byPath.get('votes_helpful')) ? 'votes_helpful' : null;
  const playtimeField = numberType.includes(byPath.get('author.playtime_forever')) ? 'author.playtime_forever' : null;
  const titleField = ['app_name', 'title', 'name', 'subject'].find((name) => has(name, 'text', 'keyword')) || null;

  let facets;
  if (isReviews) {
    facets = REVIEW_FACETS.filter((f) => byPath.has(f.field));
  } else {
    // Booleans and keyword fields first; then the keyword sub-fields of text fields (dynamic
    // mapping's "x.keyword"), except those of the text searched and the card title, which hold
    // whole sentences rather than categories.
    const wholeText = new Set([textField, titleField].filter(Boolean).map((f) => `${f}.keyword`));
    const candidates = fields.filter((f) => (f.type === 'keyword' || f.type === 'boolean') &&
      !ID_LIKE.test(f.path) && !wholeText.has(f.path));
    const subField = (f) => byPath.get(f.path.replace(/\.[^.]+$/, '')) === 'text';
    facets = [...candidates.filter((f) => !subField(f)), ...candidates.filter(subField)]
      .slice(0, MAX_GENERIC_FACETS)
      .map((f) => ({ field: f.path, label: humanize(f.path) }));
  }
  for (const facet of facets) facet.boolean = byPath.get(facet.field) === 'boolean';

  // A unique field breaks ties so that search_after pages neither skip nor repeat hits; without
  // one, _doc is the best there is (unique within a shard only).
  const idField = has('review_id', 'keyword') ? 'review_id'
    : (fields.find((f) => f.type === 'keyword' && ID_LIKE.test(f.path)) || {}).path || '_doc';

  const sorts = [{ value: 'relevance', label: 'Relevance', sort: ['_score'] }];
  if (votesField) sorts.push({ value: 'helpful', label: 'Most helpful', sort: [{ [votesField]: 'desc' }] });
  if (dateField) {
    sorts.push({ value: 'newest', label: 'Newest', sort: [{ [dateField]: 'desc' }] });
    sorts.push({ value: 'oldest', label: 'Oldest', sort: [{ [dateField]: 'asc' }] });
  }
  for (const s of sorts) s.sort = [...s.sort, { [idField]: 'asc' }];

  // What the page calls the documents: reviews on the review mapping, documents elsewhere.
  const noun = isReviews ? { one: 'review', many: 'reviews' } : { one: 'document', many: 'documents' };

  return {
    isReviews, noun, textField, dateField, verdictField, votesField, playtimeField, titleField, idField,
    facets, sorts,
    facetByField: new Map(facets.map((f) => [f.field, f])),
  };
}

// How a facet value reads on a button or a chip.
export function valueLabel(facet, value) {
  if (!facet.boolean) return String(value);
  const key = String(value) === 'true' || value === 1 ? 'true' : 'false';
  const base = facet.field;
  return (BOOLEAN_LABELS[base] && BOOLEAN_LABELS[base][key]) || (key === 'true' ? 'Yes' : 'No');
}
