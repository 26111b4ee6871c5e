// How numbers, durations and dates read on the page (English, UTC: the dates are the server's).

const number = new Intl.NumberFormat('en');

export function formatCount(n) {
  return number.format(n);
}

// Steam playtimes are minutes.
export function formatPlaytime(minutes) {
  const m = Number(minutes);
  if (!Number.isFinite(m)) return '';
  if (m < 60) return `${m} min`;
  const hours = m / 60;
  return `${hours < 10 ? hours.toFixed(1) : number.format(Math.round(hours))} h`;
}

// "2019-03-05T12:00:00.000Z" -> "5 Mar 2019".
export function formatDate(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}
