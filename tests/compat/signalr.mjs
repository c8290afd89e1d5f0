// Listens to the live feed with the official SignalR JavaScript client, under Node.
// Env: GATEWAY_URL, API_KEY, TARGET_URL. Exits non-zero with a message on the first failed expectation.
import * as signalR from '@microsoft/signalr';
import assert from 'node:assert/strict';

const { GATEWAY_URL, API_KEY, TARGET_URL } = process.env;
const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
const call = async (method, path, body) => {
  const response = await fetch(`${GATEWAY_URL}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
};
const events = [];
const connection = new signalR.HubConnectionBuilder()
  .withUrl(`${GATEWAY_URL}/hub`, { accessTokenFactory: () => API_KEY })
  .configureLogging(signalR.LogLevel.Warning)
  .build();
for (const name of ['clients created', 'clients patched', 'client-services created', 'service-status created', 'client-services patched']) {
  connection.on(name, (record) => events.push({ name, record }));
}
const waitFor = async (predicate, what, seconds = 20) => {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (events.some(predicate)) return events.find(predicate);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(events.map((e) => e.name))}`);
};

await connection.start();
console.log('ok 1 connected');

// The gateway joins the silos' feed within seconds of starting: create clients until one is announced.
let client;
const deadline = Date.now() + 30000;
while (!client) {
  const created = await call('POST', '/clients', { name: `signalr-${Date.now()}-${Math.random()}` });
  try {
    await waitFor((e) => e.name === 'clients created' && e.record.id === created.id, 'clients created', 2);
    client = created;
  } catch (error) {
    if (Date.now() > deadline) throw error;
  }
}
console.log('ok 2 "clients created" arrives with the REST record');

await connection.invoke('Subscribe', { client_id: client.id });
const other = await call('POST', '/clients', { name: `other-${Date.now()}` });
const service = await call('POST', '/client-services', { client_id: client.id, name: 'js', endpoint_url: `${TARGET_URL}/reply?status=503`, enabled: false });
const check = await call('POST', `/client-services/${service.id}/check`);
const event = await waitFor((e) => e.name === 'service-status created' && e.record.id === check.id, 'service-status created');
assert.deepEqual(event.record, check);
assert.equal(event.record.status, 'down');
assert.ok(!events.some((e) => e.name === 'clients created' && e.record.id === other.id), 'Subscribe did not narrow the feed');
console.log('ok 3 Subscribe({ client_id }) narrows; "service-status created" carries the REST record');

await connection.invoke('Unsubscribe');
const third = await call('POST', '/clients', { name: `third-${Date.now()}` });
await waitFor((e) => e.name === 'clients created' && e.record.id === third.id, 'an event of another client after Unsubscribe');
console.log('ok 4 Unsubscribe widens again');

// A status page's connection: no key, a public page's slug, and only its services' results.
const slug = `signalr-${Date.now()}`;
await call('POST', '/status-pages', { client_id: client.id, slug, title: 'Status', service_ids: [service.id], public: true });
const pageEvents = [];
const page = new signalR.HubConnectionBuilder()
  .withUrl(`${GATEWAY_URL}/hub?status_page=${slug}`)
  .configureLogging(signalR.LogLevel.None)
  .build();
page.on('service-status created', (record) => pageEvents.push(record));
await page.start();
const pageCheck = await call('POST', `/client-services/${service.id}/check`);
const until = Date.now() + 20000;
const isIt = (r) => r.service_id === service.id && r.checked_at === pageCheck.checked_at;
while (!pageEvents.some(isIt) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
const seen = pageEvents.find(isIt);
assert.ok(seen, 'the page connection got no result');
assert.equal(seen.status, 'down');
assert.equal(seen.error, undefined, 'a page event carried the error text');
assert.equal(seen.id, undefined, 'a page event carried the result id');
await page.stop();
const keyless = new signalR.HubConnectionBuilder().withUrl(`${GATEWAY_URL}/hub`).configureLogging(signalR.LogLevel.None).build();
await assert.rejects(keyless.start());
console.log('ok 5 a public page subscribes without a key and gets its services\' results, trimmed; a keyless connection without one is refused');

await connection.stop();
console.log('signalr: all passed');
