// The page's only way to the server: quarryd's own REST API on the same origin. Every failure
// becomes an ApiError whose message a person can act on.

export class ApiError extends Error {
  // kind: 'unreachable' (no answer: the server is stopped or the network is down),
  //       'http' (an Elasticsearch error answer; `type` and `status` from its body),
  //       'invalid' (an answer that is not the JSON expected).
  constructor(kind, message, { status = 0, type = '' } = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.type = type;
  }
}

// GET or POST a JSON API. `signal` aborts a request made stale by a newer one.
export async function requestJson(method, path, body, signal) {
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError('unreachable',
      `Cannot reach quarryd at ${location.origin}. Is the server running? Start it and try again.`);
  }
  let payload;
  try {
    payload = await response.json();
  } catch {
    throw new ApiError('invalid',
      `The server answered ${path} with status ${response.status} and no JSON.`, { status: response.status });
  }
  if (!response.ok) throw errorFromBody(payload, response.status);
  return payload;
}

// Elasticsearch's error shapes: {"error":{"type","reason","root_cause":[...]}, "status"} or the
// dispatcher's {"error":"message","status"}. The root cause's reason is the most precise one.
function errorFromBody(payload, status) {
  const error = payload && payload.error;
  if (typeof error === 'string') return new ApiError('http', error, { status });
  if (error && typeof error === 'object') {
    const root = Array.isArray(error.root_cause) && error.root_cause[0];
    const reason = (root && root.reason) || error.reason || error.type || 'unknown error';
    return new ApiError('http', reason, { status, type: (root && root.type) || error.type || '' });
  }
  return new ApiError('http', `The server answered with status ${status}.`, { status });
}

export const api = {
  // Open, non-system indices: names starting with '.' are hidden, as Kibana hides them.
  async indices(signal) {
    const rows = await requestJson('GET', '/_cat/indices?format=json&h=index,status,docs.count', undefined, signal);
    if (!Array.isArray(rows)) throw new ApiError('invalid', 'The server listed its indices in an unexpected shape.');
    return rows
      .filter((row) => row.index && !row.index.startsWith('.') && row.status !== 'close')
      .map((row) => ({ name: row.index, docs: Number(row['docs.count']) || 0 }))
      .sort((a, b) => a.name.localeCompare(b.name));
  },
  // The mapping's properties of `index` (for an alias: of its first index).
  async mapping(index, signal) {
    const body = await requestJson('GET', `/${encodeURIComponent(index)}/_mapping`, undefined, signal);
    const first = Object.values(body)[0];
    return (first && first.mappings && first.mappings.properties) || {};
  },
  search(index, body, signal) {
    return requestJson('POST', `/${encodeURIComponent(index)}/_search`, body, signal);
  },
};
