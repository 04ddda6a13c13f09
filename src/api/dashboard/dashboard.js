// The dashboard: a static shell that holds no data. It asks for the admin token, keeps it in this
// tab's sessionStorage, and sends it as a bearer header on every call, the live stream included
// (read with fetch, since EventSource cannot send headers), so the token never appears in a URL.
/* global window, document, sessionStorage, fetch, TextDecoder, AbortController, setTimeout, clearTimeout, CSS, uPlot */
'use strict';

const tokenKey = 'projectionist.adminToken';
const $ = (selector) => document.querySelector(selector);
const state = { projections: [], progress: new Map(), stream: undefined, chart: undefined };
const points = { t: [], rate: [], lag: [] };
const chartWindowS = 600;

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
};

const tableOf = (headings, body) =>
  el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headings.map((h) => el('th', { text: h })),
      ),
    ),
    body,
  );

const toastTimer = { id: undefined };
const toast = (text, bad = false) => {
  const node = $('#toast');
  node.textContent = text;
  node.className = `shown${bad ? ' bad' : ''}`;
  clearTimeout(toastTimer.id);
  toastTimer.id = setTimeout(() => (node.className = ''), bad ? 8000 : 4000);
};

const signOut = (message) => {
  sessionStorage.removeItem(tokenKey);
  state.stream?.abort();
  $('#app').hidden = true;
  $('#logout').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message ?? '';
  setConnection(false);
};

/** One admin call with the bearer token; a problem document becomes an Error with its detail. */
const api = async (method, path, body) => {
  const headers = { authorization: `Bearer ${sessionStorage.getItem(tokenKey) ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text === '' ? null : JSON.parse(text);
  if (res.status === 401) {
    signOut(json?.detail ?? 'the token was refused');
    throw new Error('unauthorized');
  }
  if (!res.ok) throw new Error(json?.detail ?? `${res.status} ${res.statusText}`);
  return json;
};

const formatCount = (value) =>
  value === null || value === undefined ? '-' : Number(value).toLocaleString('en');
const formatEta = (ms) =>
  ms === null || ms === undefined ? '-' : ms < 1000 ? '<1s' : `${Math.round(ms / 1000)}s`;
const keyOf = (name, version) => `${name} v${version}`;

// Which verbs a version offers, by what it is doing; cutover, rollback and retire ask first.
const verbsFor = (v) => {
  const verbs = ['verify'];
  if (v.state.status === 'retired') return [];
  if (!v.active && (v.activity === 'ready' || v.state.status === 'standby')) verbs.unshift('cutover');
  if (v.activity === 'waiting' || v.activity === 'cancelled' || v.state.status === 'failed')
    verbs.push('rebuild');
  if (v.paused) verbs.push('resume');
  else verbs.push('pause');
  if (v.state.status === 'building' && !v.cancelled) verbs.push('cancel');
  // A built version that serves no reads may be built again from an empty schema.
  if (!v.active && v.state.status !== 'building') verbs.push('rebuild-from-scratch');
  if (!v.active) verbs.push('retire');
  return verbs;
};
const confirmed = new Set(['cutover', 'rollback', 'retire', 'rebuild-from-scratch']);

const progressCell = (name, v) => {
  const live = state.progress.get(keyOf(name, v.version));
  const applied = Number(live?.applied ?? v.applied ?? 0);
  const target = live?.target ?? v.target;
  if (target === null || target === undefined) return el('td', { class: 'muted', text: '-' });
  const max = Math.max(Number(target), 1);
  return el(
    'td',
    { class: 'build' },
    el('progress', { max, value: Math.min(applied, max), 'data-progress': keyOf(name, v.version) }),
    ' ',
    el('span', { class: 'applied', text: `${formatCount(applied)} / ${formatCount(target)}` }),
  );
};

const renderProjections = () => {
  const root = $('#projections');
  root.replaceChildren();
  if (state.projections.length === 0) {
    root.append(el('p', { class: 'muted', text: 'no projections registered yet' }));
    return;
  }
  const headings = [
    'projection',
    'version',
    'state',
    'lag',
    'build',
    'rate/s',
    'eta',
    'parked',
    'checks',
    'shadow reads',
    '',
  ];
  const body = el('tbody');
  for (const p of state.projections) {
    for (const v of p.versions) {
      const key = keyOf(p.name, v.version);
      const live = state.progress.get(key);
      // A build's rate and time left; nothing once it is built.
      const building = v.state.status === 'building';
      const rate = building ? (live?.rate ?? v.rate) : null;
      const eta = building ? (live?.etaMs ?? v.etaMs) : null;
      const state_ = v.state.status === 'failed' ? `failed: ${v.state.reason}` : v.activity;
      const buttons = verbsFor(v).map((verb) =>
        el('button', {
          type: 'button',
          'data-verb': verb,
          'data-name': p.name,
          'data-version': v.version,
          class: confirmed.has(verb) ? 'danger' : undefined,
          text: verb.replaceAll('-', ' '),
        }),
      );
      if (v.active && v.state.status === 'live')
        buttons.push(
          el('button', {
            type: 'button',
            'data-verb': 'rollback',
            'data-name': p.name,
            class: 'danger',
            text: 'rollback',
          }),
        );
      body.append(
        el(
          'tr',
          { 'data-version-row': key },
          el('td', { text: p.name }),
          el('td', { text: `v${v.version}${v.active ? ' ★' : ''}` }),
          el('td', {}, el('span', { class: `pill ${v.activity}`, 'data-state': key, text: state_ })),
          el('td', { 'data-lag': key, text: formatCount(v.lag) }),
          progressCell(p.name, v),
          el('td', { text: rate === null || rate === undefined ? '-' : formatCount(Math.round(rate)) }),
          el('td', { text: formatEta(eta) }),
          el('td', { text: v.parked.total === 0 ? '' : String(v.parked.total) }),
          el('td', { 'data-checks': key, text: checksText(v) }),
          el('td', { 'data-shadow': key, text: shadowText(v) }),
          el('td', {}, buttons),
        ),
      );
    }
  }
  root.append(tableOf(headings, body));
};

/** What the version's checks said last, or that it declares none (a cutover then needs "unverified"). */
const checksText = (v) => {
  const outcome =
    v.verification?.outcome ?? (v.verification ? (v.verification.passed ? 'passed' : 'failed') : null);
  // The one serving needs no word: nothing stands to be compared with it until a newer one comes.
  if (outcome === 'unverified' || (outcome === null && v.declaredChecks === 0))
    return v.active ? '' : 'unverified';
  if (outcome === null) return '';
  const differing = v.verification.results.reduce((n, r) => n + (r.content?.differingRows ?? 0), 0);
  return outcome === 'passed' ? 'passed' : `FAILED${differing > 0 ? ` (${differing} rows differ)` : ''}`;
};

/** Shadow reads of the version against the active one: compared, and how many differed (the operator cuts over at 0). */
const shadowText = (v) =>
  v.shadow === null || v.shadow === undefined
    ? ''
    : `${formatCount(v.shadow.compared)} compared, ${formatCount(v.shadow.differing)} differ` +
      (v.shadow.errors === '0' ? '' : `, ${formatCount(v.shadow.errors)} failed`);

/** A progress event moves the bar in place, without waiting for the next status. */
const applyProgress = (data) => {
  const key = keyOf(data.name, data.version);
  state.progress.set(key, data);
  const bar = document.querySelector(`progress[data-progress="${CSS.escape(key)}"]`);
  if (bar === null) {
    scheduleStatus();
    return;
  }
  bar.max = Math.max(Number(data.target), 1);
  bar.value = Math.min(Number(data.applied), bar.max);
  const label = bar.parentElement.querySelector('.applied');
  if (label) label.textContent = `${formatCount(data.applied)} / ${formatCount(data.target)}`;
};

const loadStatus = async () => {
  const { projections } = await api('GET', '/admin/projections');
  state.projections = projections;
  // A finished build's progress is the registry's from now on.
  for (const p of projections)
    for (const v of p.versions)
      if (v.state.status !== 'building') state.progress.delete(keyOf(p.name, v.version));
  renderProjections();
  await loadParked();
};
let statusTimer;
const scheduleStatus = () => {
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => void loadStatus().catch(() => undefined), 300);
};

const loadParked = async () => {
  const root = $('#parked');
  const withParked = state.projections.flatMap((p) =>
    p.versions.filter((v) => v.parked.total > 0).map((v) => ({ name: p.name, version: v.version })),
  );
  if (withParked.length === 0) {
    root.replaceChildren(el('p', { class: 'muted', text: 'none' }));
    return;
  }
  const lists = await Promise.all(
    withParked.map(({ name, version }) =>
      api('GET', `/admin/projections/${name}/versions/${version}/parked?limit=100`),
    ),
  );
  const headings = ['version', 'position', 'event', 'type', 'kind', 'attempts', 'reason', ''];
  const body = el('tbody');
  for (const list of lists)
    for (const e of list.parked)
      body.append(
        el(
          'tr',
          {},
          el('td', { text: keyOf(list.name, list.version) }),
          el('td', { text: `${e.partition}/${e.offset}` }),
          el('td', { text: e.eventId }),
          el('td', { text: `${e.type} v${e.writtenVersion}` }),
          el('td', { text: e.kind }),
          el('td', { text: String(e.attempts) }),
          el('td', { text: e.reason }),
          el(
            'td',
            {},
            el('button', {
              type: 'button',
              'data-parked': 'retry',
              'data-name': list.name,
              'data-version': list.version,
              'data-event': e.eventId,
              text: 'retry',
            }),
            el('button', {
              type: 'button',
              'data-parked': 'skip',
              'data-name': list.name,
              'data-version': list.version,
              'data-event': e.eventId,
              class: 'danger',
              text: 'skip',
            }),
          ),
        ),
      );
  root.replaceChildren(tableOf(headings, body));
};

const loadAudit = async () => {
  const { entries } = await api('GET', '/admin/audit?limit=20');
  const root = $('#audit');
  if (entries.length === 0) {
    root.replaceChildren(el('p', { class: 'muted', text: 'none yet' }));
    return;
  }
  const rows = entries.map((e) =>
    el(
      'tr',
      {},
      el('td', { text: new Date(e.at).toLocaleString() }),
      el('td', { text: e.name }),
      el('td', { text: e.from === null ? '-' : `v${e.from}` }),
      el('td', { text: `v${e.to}` }),
      el('td', { text: e.actor }),
      el('td', { text: `${e.tookMs} ms` }),
    ),
  );
  root.replaceChildren(tableOf(['when', 'projection', 'from', 'to', 'who', 'took'], el('tbody', {}, rows)));
};

const loadStaging = async () => {
  const s = await api('GET', '/admin/staging/refresh');
  renderStaging(s);
};
const renderStaging = (s) => {
  const node = $('#staging-state');
  if (s.status === 'idle') node.textContent = 'no refresh since this process started';
  else if (s.status === 'running')
    node.textContent = `running since ${new Date(s.startedAt).toLocaleTimeString()}`;
  else if (s.status === 'done')
    node.textContent = `done at ${new Date(s.endedAt).toLocaleTimeString()}: ${s.result.projections.map((p) => keyOf(p.name, p.version)).join(', ')}`;
  else node.textContent = `failed (${s.error.code}): ${s.error.message}`;
};

const renderDeadLetters = (letters) => {
  const root = $('#dead-letters');
  if (letters.length === 0) {
    root.replaceChildren(el('p', { class: 'muted', text: 'no dead letters' }));
    return;
  }
  const rows = letters.map((d) =>
    el(
      'tr',
      {},
      el('td', { text: d.offset }),
      el('td', { text: d.type === undefined ? '?' : `${d.type} v${d.version ?? '?'}` }),
      el('td', { text: d.reason }),
      el('td', { text: d.now.status === 'accepted' ? 're-drivable' : `unreadable: ${d.now.reason}` }),
    ),
  );
  root.replaceChildren(tableOf(['offset', 'type', 'reason', 'now'], el('tbody', {}, rows)));
};

const activity = (event, data) => {
  const list = $('#activity');
  const who =
    data && data.name !== undefined
      ? ` ${data.name}${data.version !== undefined ? ` v${data.version}` : ''}`
      : '';
  const extra =
    event === 'version:state'
      ? ` ${data.from} → ${data.to}`
      : event === 'cutover:done'
        ? ` v${data.from ?? '-'} → v${data.to} by ${data.actor}`
        : event === 'rebuild:stopped'
          ? ` (${data.reason})`
          : data?.error?.message
            ? `: ${data.error.message}`
            : '';
  list.prepend(
    el('li', { 'data-event': event, text: `${new Date().toLocaleTimeString()} ${event}${who}${extra}` }),
  );
  while (list.children.length > 100) list.lastElementChild.remove();
};

// The chart: events applied per second (all versions) and total lag, one point per lag snapshot.
const addPoint = (data) => {
  const t = Date.parse(data.at) / 1000;
  let rate = 0;
  let lag = 0;
  for (const v of data.versions) {
    if (v.rate !== null) rate += v.rate;
    if (v.status !== 'retired') lag += Number(v.lag);
    const cell = document.querySelector(`[data-lag="${CSS.escape(keyOf(v.name, v.version))}"]`);
    if (cell) cell.textContent = formatCount(v.lag);
  }
  points.t.push(t);
  points.rate.push(Math.round(rate));
  points.lag.push(lag);
  while (points.t.length > 0 && points.t[0] < t - chartWindowS)
    for (const series of Object.values(points)) series.shift();
  if (state.chart === undefined && typeof uPlot === 'function') {
    state.chart = new uPlot(
      {
        width: Math.min(1100, $('#chart').clientWidth || 900),
        height: 220,
        series: [
          {},
          { label: 'events/s', stroke: '#2f6fde', width: 2, scale: 'rate' },
          { label: 'lag (records)', stroke: '#c53030', width: 2, scale: 'lag' },
        ],
        axes: [
          {},
          { scale: 'rate', label: 'events/s' },
          { scale: 'lag', side: 1, label: 'lag', grid: { show: false } },
        ],
      },
      [points.t, points.rate, points.lag],
      $('#chart'),
    );
  } else state.chart?.setData([points.t, points.rate, points.lag]);
};

const onEvent = (event, data) => {
  if (event === 'hello' || event === 'lag') {
    if (event === 'lag') addPoint(data);
    return;
  }
  if (event === 'rebuild:progress') {
    applyProgress(data);
    return;
  }
  if (event.startsWith('staging:')) {
    if (event !== 'staging:progress') renderStaging(data);
    else
      $('#staging-state').textContent =
        `running: ${keyOf(data.name, data.version)} ${formatCount(data.applied)} / ${formatCount(data.total)}`;
    if (event === 'staging:progress') return;
  }
  activity(event, data);
  scheduleStatus();
  if (event === 'cutover:done') void loadAudit().catch(() => undefined);
};

const setConnection = (on) => {
  const node = $('#connection');
  node.textContent = on ? 'live' : 'offline';
  node.className = `pill ${on ? 'on' : 'off'}`;
};

/** The live stream: server-sent events over fetch (so the token goes in a header), reconnecting. */
const openStream = async () => {
  state.stream?.abort();
  const stop = new AbortController();
  state.stream = stop;
  while (!stop.signal.aborted) {
    try {
      const res = await fetch('/admin/events', {
        headers: {
          authorization: `Bearer ${sessionStorage.getItem(tokenKey) ?? ''}`,
          accept: 'text/event-stream',
        },
        signal: stop.signal,
      });
      if (res.status === 401) {
        signOut('the token was refused');
        return;
      }
      if (!res.ok || res.body === null) throw new Error(`${res.status}`);
      setConnection(true);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) onEvent(event, JSON.parse(data.join('\n')));
        }
      }
    } catch {
      // reconnect below
    }
    setConnection(false);
    if (!stop.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 3000));
  }
};

const askConfirm = (text) =>
  new Promise((resolve) => {
    const dialog = $('#confirm');
    $('#confirm-text').textContent = text;
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });

const runVerb = async ({ verb, name, version }) => {
  const what = version === undefined ? name : `${name} v${version}`;
  const questions = {
    cutover: `Cut reads of ${name} over to v${version}? Readers switch in one transaction.`,
    rollback: `Roll ${name} back to the version active before?`,
    retire: `Retire ${what}? Its schema and rows are dropped.`,
    'rebuild-from-scratch': `Rebuild ${what} from scratch? Its rows and checkpoints are emptied first.`,
  };
  if (confirmed.has(verb) && !(await askConfirm(questions[verb]))) return;
  const path =
    verb === 'rollback'
      ? `/admin/projections/${name}/rollback`
      : verb === 'rebuild-from-scratch'
        ? `/admin/projections/${name}/versions/${version}/rebuild`
        : `/admin/projections/${name}/versions/${version}/${verb}`;
  try {
    const result = await api(
      'POST',
      path,
      verb === 'rebuild-from-scratch' ? { fromScratch: true } : undefined,
    );
    if (verb === 'cutover' || verb === 'rollback')
      toast(`${name}: reads now served by v${result.to} (was v${result.from ?? '-'})`);
    else if (verb === 'verify')
      toast(`${what}: checks ${result.passed ? 'passed' : 'FAILED'}`, !result.passed);
    else toast(`${what}: ${verb} done`);
  } catch (error) {
    if (error.message !== 'unauthorized') toast(`${verb} ${what} refused: ${error.message}`, true);
  }
  await loadStatus().catch(() => undefined);
  if (verb === 'cutover' || verb === 'rollback') await loadAudit().catch(() => undefined);
};

document.addEventListener('click', (click) => {
  const button = click.target.closest('button');
  if (button === null) return;
  const { verb, parked, name, version, event, action } = button.dataset;
  const v = version === undefined ? undefined : Number(version);
  if (verb !== undefined) void runVerb({ verb, name, version: v });
  else if (parked !== undefined)
    void api('POST', `/admin/projections/${name}/versions/${v}/parked/${parked}`, { eventId: event })
      .then(() => toast(`${parked} ${event}: asked`))
      .catch((error) => toast(error.message, true))
      .then(() => loadStatus());
  else if (action === 'staging-refresh')
    void api('POST', '/admin/staging/refresh')
      .then(renderStaging)
      .catch((error) => toast(error.message, true));
  else if (action === 'dead-letters')
    void api('GET', '/admin/dead-letters')
      .then(({ deadLetters }) => renderDeadLetters(deadLetters))
      .catch((error) => toast(error.message, true));
  else if (action === 'redrive')
    void api('POST', '/admin/dead-letters/redrive')
      .then(({ redriven, skipped }) =>
        toast(`re-driven ${redriven.length}, ${skipped.length} still unreadable`),
      )
      .catch((error) => toast(error.message, true));
});

const open = async () => {
  await loadStatus();
  $('#login').hidden = true;
  $('#app').hidden = false;
  $('#logout').hidden = false;
  void openStream();
  await Promise.all([loadAudit(), loadStaging()]).catch((error) => toast(error.message, true));
};

$('#login-form').addEventListener('submit', (submit) => {
  submit.preventDefault();
  sessionStorage.setItem(tokenKey, $('#token').value);
  $('#token').value = '';
  void open().catch((error) => {
    if (error.message !== 'unauthorized') $('#login-error').textContent = error.message;
  });
});
$('#logout').addEventListener('click', () => signOut());
window.setInterval(() => {
  if (!$('#app').hidden) void loadStatus().catch(() => undefined);
}, 10_000);

if (sessionStorage.getItem(tokenKey) === null) signOut();
else void open().catch(() => undefined);
