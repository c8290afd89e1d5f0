// Drives the API with the official Feathers REST client, as a dashboard does.
// Env: GATEWAY_URL, API_KEY, TARGET_URL. Exits non-zero with a message on the first failed expectation.
import { feathers } from '@feathersjs/feathers';
import rest from '@feathersjs/rest-client';
import { NotFound, BadRequest, FeathersError } from '@feathersjs/errors';
import assert from 'node:assert/strict';

const { GATEWAY_URL, API_KEY, TARGET_URL } = process.env;
const app = feathers();
app.configure(rest(GATEWAY_URL).fetch(fetch, { headers: { Authorization: `Bearer ${API_KEY}` } }));
const clients = app.service('clients');
const services = app.service('client-services');
const statuses = app.service('service-status');
let step = 0;
const ok = (what) => console.log(`ok ${++step} ${what}`);

const name = `feathers-${Date.now()}`;
const client = await clients.create({ name, contact_email: 'ops@example.com' });
assert.equal(client.name, name);
assert.equal(typeof client.id, 'number');
ok('create a client');

assert.deepEqual(await clients.get(client.id), client);
ok('get it back');

const patched = await clients.patch(client.id, { description: 'from feathers' });
assert.equal(patched.description, 'from feathers');
ok('patch it');

const page = await clients.find({ query: { name: { $in: [name, 'nobody'] }, $sort: { id: -1 }, $limit: 5, $select: ['name'] } });
assert.equal(page.total, 1);
assert.equal(page.limit, 5);
assert.deepEqual(Object.keys(page.data[0]).sort(), ['id', 'name']);
ok('find with $in, $sort, $limit and $select');

const service = await services.create({ client_id: client.id, name: 'api', endpoint_url: `${TARGET_URL}/reply?status=200&body=%7B%22status%22%3A%22ok%22%7D`, enabled: false });
assert.equal(service.has_basic_auth_password, false);
ok('create a service');

const check = await app.service(`client-services/${service.id}/check`).create({});
assert.equal(check.status, 'up');
assert.equal(check.trigger, 'manual');
ok('run a check through the custom route');

const history = await statuses.find({ query: { service_id: service.id, status: { $in: ['up', 'down'] }, checked_at: { $lte: check.checked_at }, $sort: { checked_at: -1 } } });
assert.equal(history.total, 1);
assert.deepEqual(history.data[0].id, check.id);
ok('find service-status with $in, $lte and $sort');

const either = await services.find({ query: { $or: [{ name: 'api' }, { name: 'none' }], client_id: client.id, enabled: false } });
assert.equal(either.total, 1);
ok('find with $or');

const uptime = await app.service('uptime-stats').find({ query: { service_id: service.id, period: '24h', bucket: '1h' } });
assert.equal(uptime.total_checks, 1);
assert.equal(uptime.uptime_percentage, 100);
assert.equal(uptime.buckets.length, 24);
assert.equal(uptime.buckets.at(-1).total_checks, 1);
ok('uptime-stats');

const pages = app.service('status-pages');
const slug = `feathers-${Date.now()}`;
const statusPage = await pages.create({ client_id: client.id, slug, title: 'Status', service_ids: [service.id], public: true });
assert.deepEqual(statusPage.service_ids, [service.id]);
assert.equal((await pages.find({ query: { slug, $select: ['slug'] } })).total, 1);
assert.equal((await pages.patch(statusPage.id, { title: 'Our status' })).title, 'Our status');
const twin = await (await fetch(`${GATEWAY_URL}/status/${slug}.json`)).json();
assert.deepEqual(twin.services.map((s) => s.id), [service.id]);
assert.equal(twin.services[0].status_text, 'Paused'); // the service was created disabled
await assert.rejects(pages.create({ client_id: client.id, slug, title: 'again' }), (error) => error.code === 409 && error.name === 'Conflict');
ok('status-pages: create, find, patch, the open JSON twin, a taken slug');

await assert.rejects(clients.get(987654321), (error) => {
  assert.ok(error instanceof NotFound, `expected NotFound, got ${error?.name}`);
  assert.equal(error.code, 404);
  return true;
});
ok('a missing record surfaces as a Feathers NotFound');

await assert.rejects(services.create({ client_id: client.id, name: 'bad', endpoint_url: 'ftp://nope' }), (error) => {
  assert.ok(error instanceof BadRequest, `expected BadRequest, got ${error?.name}`);
  assert.ok(error instanceof FeathersError);
  assert.ok(error.errors.endpoint_url, JSON.stringify(error.errors));
  return true;
});
ok('invalid input surfaces as a Feathers BadRequest with errors');

await assert.rejects(statuses.remove(check.id), (error) => error.code === 405 && error.name === 'MethodNotAllowed');
ok('history is append-only');

const removed = await clients.remove(client.id);
assert.equal(removed.id, client.id);
await assert.rejects(services.get(service.id), (error) => error instanceof NotFound);
ok('remove cascades');
console.log('feathers-rest: all passed');
