// Drives Cohort's A2A endpoint with the official A2A JavaScript SDK (@a2a-js/sdk), as any A2A client would.
// Usage: node sdk-client.mjs <base URL> <operator token> <viewer token>
// Prints one line "OK <step>" per step that passed, and exits with 1 at the first that did not.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Role, TaskState } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory } from '@a2a-js/sdk/client';

const [baseUrl, operatorToken, viewerToken] = process.argv.slice(2);

function bearer(token) {
  return (url, init = {}) => fetch(url, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } });
}

async function client(token) {
  const options = ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
    transports: [new JsonRpcTransportFactory({ fetchImpl: bearer(token) })],
  });
  return new ClientFactory(options).createFromUrl(baseUrl);
}

function message(text, extra = {}) {
  return { messageId: randomUUID(), role: Role.ROLE_USER, parts: [{ content: { $case: 'text', value: text } }], ...extra };
}

// An A2A error by name; in a stream the SDK reports it as the cause of its error.
async function expectError(name, call) {
  try {
    await call();
  } catch (e) {
    const error = e.name === name ? e : e.cause;
    assert.equal(error?.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    return error;
  }
  assert.fail(`expected ${name}, the call succeeded`);
}

async function until(what, read, done, seconds = 60) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) assert.fail(`${what}: still ${JSON.stringify(value)} after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function ok(step, detail = '') {
  console.log(`OK ${step}${detail ? ' ' + detail : ''}`);
}

try {
  // The card, without a token, through the SDK's resolver.
  const card = await new DefaultAgentCardResolver().resolve(baseUrl);
  assert.equal(card.name, 'Cohort');
  assert.equal(card.capabilities.streaming, true);
  assert.equal(card.supportedInterfaces[0].protocolBinding, 'JSONRPC');
  assert.equal(card.supportedInterfaces[0].protocolVersion, '1.0');
  assert.ok(card.supportedInterfaces[0].url.endsWith('/a2a'), card.supportedInterfaces[0].url);
  assert.equal(card.securitySchemes.bearer.scheme.$case, 'httpAuthSecurityScheme');
  assert.equal(card.securitySchemes.bearer.scheme.value.bearerFormat, 'JWT');
  assert.ok('bearer' in card.securityRequirements[0].schemes);
  assert.ok(card.skills.some((s) => s.id === 'build-software'));
  ok('card', card.supportedInterfaces[0].url);

  const operator = await client(operatorToken);
  assert.equal(operator.protocolVersion, '1.0');

  // A task whose plan waits for approval: sent without waiting, read until it needs input, then cancelled.
  const contextId = `sdk-${randomUUID()}`;
  const created = await operator.sendMessage({
    message: message('Build a URL shortener\nwith a REST API and tests', { contextId }),
    configuration: { returnImmediately: true },
    metadata: { cohort: { approvalMode: 'manual' } },
  });
  assert.ok(created.id, 'a task');
  assert.equal(created.contextId, contextId);
  assert.ok([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING].includes(created.status.state),
    `state ${created.status.state}`);
  ok('send', created.id);

  const waiting = await until('the plan waiting for approval', () => operator.getTask({ id: created.id }),
    (t) => t.status.state === TaskState.TASK_STATE_INPUT_REQUIRED);
  assert.equal(waiting.contextId, contextId);
  assert.match(waiting.status.message.parts[0].content.value, /approv/);
  ok('get', 'input-required');

  const cancelled = await operator.cancelTask({ id: created.id });
  assert.equal(cancelled.status.state, TaskState.TASK_STATE_CANCELED);
  ok('cancel');
  await expectError('TaskNotCancelableError', () => operator.cancelTask({ id: created.id }));
  await expectError('TaskNotFoundError', () => operator.getTask({ id: randomUUID() }));
  ok('errors');

  // A task streamed from its submission to its end.
  const events = [];
  for await (const event of operator.sendMessageStream({ message: message('Build a todo REST API') })) {
    events.push(event.payload);
  }
  assert.equal(events[0].$case, 'task', 'the stream starts with the task');
  const last = events[events.length - 1];
  assert.equal(last.$case, 'statusUpdate');
  assert.equal(last.value.status.state, TaskState.TASK_STATE_COMPLETED);
  const artifact = events.find((e) => e.$case === 'artifactUpdate');
  assert.ok(artifact, 'the summary artifact');
  assert.equal(artifact.value.artifact.artifactId, 'summary');
  assert.match(artifact.value.artifact.parts[0].content.value, /The team built it/);
  assert.ok(events.some((e) => e.$case === 'statusUpdate' && e.value.status.state === TaskState.TASK_STATE_WORKING),
    'working updates');
  ok('stream', `${events.length} events`);
  const streamed = events[0].value.id;
  await expectError('UnsupportedOperationError', async () => {
    for await (const event of operator.resubscribeTask({ id: streamed })) {
      assert.fail(`an event for an ended task: ${JSON.stringify(event)}`);
    }
  });

  // A blocking send: answered once the task has ended.
  const done = await operator.sendMessage({ message: message('Build a calculator CLI') });
  assert.equal(done.status.state, TaskState.TASK_STATE_COMPLETED);
  assert.match(done.artifacts[0].parts[0].content.value, /The team built it/);
  ok('blocking send');

  // A viewer reads but may not send.
  const viewer = await client(viewerToken);
  const read = await viewer.getTask({ id: done.id });
  assert.equal(read.status.state, TaskState.TASK_STATE_COMPLETED);
  await assert.rejects(() => viewer.sendMessage({ message: message('Build something') }), /403/);
  ok('viewer');
} catch (e) {
  console.error(e);
  process.exit(1);
}
