// A small ActivityPub server on @fedify/fedify for Ferrodon's interop suite
// (scripts/interop, tests/interop/interop.py). Fedify does the federation:
// the actor and its keys, WebFinger, HTTP signatures on what it sends and
// their verification on what it receives, delivery. This file only wires
// one actor to a plain node:http server and adds a control API for the test
// driver:
//
//   node peer.mjs --host fedify.interop.test --bind 127.0.0.4 --port 80
//
// serves http://HOST/users/carol (a Person, answering unsigned GETs),
// /.well-known/webfinger, the actor's inbox and the shared inbox /inbox (each
// POST is recorded with the status Fedify answered, see GET /_control/inbox),
// the actor's followers and the notes it wrote (/users/carol/notes/ID).
// A Follow is accepted at once.
//
// Control API (JSON in, JSON out; for the driver only, on the same server):
//   GET  /_control/inbox                 every POST to an inbox: {path, status, activity}
//   GET  /_control/followers             actor ids following carol
//   POST /_control/lookup    {url}       Fedify's lookupObject (signed fetch)
//   POST /_control/webfinger {resource}  Fedify's lookupWebFinger
//   POST /_control/follow    {actor}     sends Follow
//   POST /_control/unfollow  {actor}     sends Undo of that Follow
//   POST /_control/note      {content, inReplyTo?, replyToActor?, mention?: {actor, name},
//                             visibility?: "public" | "followers" | "direct"}
//                                        sends Create(Note) to the followers (and the
//                                        mentioned / replied-to actor); returns {id}
//   POST /_control/update    {id, content} sends Update(Note)
//   POST /_control/delete    {id}        sends Delete(Tombstone)
//   POST /_control/like      {object, actor}  sends Like to the object's author
//   POST /_control/announce  {object, actor}  sends Announce to followers and author
import http from "node:http";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
// Fedify's Temporal (Node 20 has none of its own).
import { Temporal } from "@js-temporal/polyfill";
import {
  Accept,
  Activity,
  Announce,
  Create,
  createFederation,
  Delete,
  Endpoints,
  Follow,
  generateCryptoKeyPair,
  Like,
  lookupWebFinger,
  MemoryKvStore,
  Mention,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Tombstone,
  Undo,
  Update,
} from "@fedify/fedify";

const { values: args } = parseArgs({
  options: {
    host: { type: "string", default: "fedify.interop.test" },
    bind: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "80" },
    user: { type: "string", default: "carol" },
  },
});
const USER = args.user;
const port = Number(args.port);
const ORIGIN = port === 80 ? `http://${args.host}` : `http://${args.host}:${port}`;

const federation = createFederation({
  kv: new MemoryKvStore(),
  origin: ORIGIN,
  // The peers live on loopback addresses, over plain HTTP.
  allowPrivateAddress: true,
});

// RSA for HTTP signatures (what Mastodon-style servers verify), Ed25519 for
// Fedify's object integrity proofs.
const keyPairs = [
  await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"),
  await generateCryptoKeyPair("Ed25519"),
];

const followers = new Map(); // actor id -> { id, inboxId, endpoints }
const following = new Map(); // actor id -> the Follow sent
const notes = new Map(); // note id -> Note
const inboxLog = [];

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== USER) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Carol (Fedify peer)",
      summary: "A Fedify peer in Ferrodon's interop suite.",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      followers: ctx.getFollowersUri(identifier),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) => (identifier === USER ? keyPairs : []));

federation.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
  if (identifier !== USER) return null;
  return { items: [...followers.values()] };
});

federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (ctx, values) => {
  if (values.identifier !== USER) return null;
  return notes.get(ctx.getObjectUri(Note, values).href) ?? null;
});

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    if (follow.objectId?.href !== ctx.getActorUri(USER).href) return;
    const follower = await follow.getActor(ctx);
    if (!follower?.id || !follower.inboxId) return;
    followers.set(follower.id.href, {
      id: follower.id,
      inboxId: follower.inboxId,
      endpoints: follower.endpoints,
    });
    await ctx.sendActivity({ identifier: USER }, follower, new Accept({
      id: new URL(`${ORIGIN}/activities/${randomUUID()}`),
      actor: ctx.getActorUri(USER),
      object: follow,
    }));
  })
  .on(Undo, async (ctx, undo) => {
    const object = await undo.getObject(ctx);
    if (object instanceof Follow && undo.actorId) followers.delete(undo.actorId.href);
  })
  // Everything else is only recorded (by the HTTP layer below).
  .on(Activity, () => {});

// --- sending ------------------------------------------------------------------

const ctx = () => federation.createContext(new URL(ORIGIN), undefined);
const activityId = () => new URL(`${ORIGIN}/activities/${randomUUID()}`);

async function actor(url) {
  const found = await ctx().lookupObject(url);
  if (!found?.id || !found.inboxId) throw new Error(`no actor at ${url}`);
  return found;
}

async function send(activity, { toFollowers = false, actors = [] } = {}) {
  const c = ctx();
  if (toFollowers && followers.size > 0) {
    await c.sendActivity({ identifier: USER }, "followers", activity, { preferSharedInbox: true });
  }
  for (const url of actors) {
    await c.sendActivity({ identifier: USER }, await actor(url), activity);
  }
}

// body.visibility: "public" (the default: to Public, cc the followers),
// "followers" (to the followers) or "direct" (to the mentioned actor only).
function noteFrom(id, body, extra = {}) {
  const c = ctx();
  const tags = [];
  const visibility = body.visibility ?? "public";
  let tos = visibility === "public" ? [PUBLIC_COLLECTION] : [];
  const cc = visibility === "direct" ? [] : [c.getFollowersUri(USER)];
  if (visibility === "followers") tos = cc.splice(0);
  if (body.mention) {
    tags.push(new Mention({ href: new URL(body.mention.actor), name: body.mention.name }));
    (visibility === "direct" ? tos : cc).push(new URL(body.mention.actor));
  }
  if (body.replyToActor) cc.push(new URL(body.replyToActor));
  return new Note({
    id,
    attribution: c.getActorUri(USER),
    tos,
    ccs: cc,
    content: body.content,
    url: id,
    replyTarget: body.inReplyTo ? new URL(body.inReplyTo) : null,
    tags,
    ...extra,
  });
}

function recipientsOf(body) {
  const actors = [];
  if (body.mention) actors.push(body.mention.actor);
  if (body.replyToActor && !followers.has(body.replyToActor)) actors.push(body.replyToActor);
  return actors;
}

const commands = {
  async lookup(body) {
    const object = await ctx().lookupObject(body.url);
    return { found: object != null, object: object ? await object.toJsonLd({ format: "compact" }) : null };
  },
  async webfinger(body) {
    return { jrd: await lookupWebFinger(body.resource, { allowPrivateAddress: true }) };
  },
  async follow(body) {
    const target = await actor(body.actor);
    const follow = new Follow({ id: activityId(), actor: ctx().getActorUri(USER), object: target.id });
    following.set(target.id.href, follow);
    await ctx().sendActivity({ identifier: USER }, target, follow);
    return { id: follow.id.href };
  },
  async unfollow(body) {
    const target = await actor(body.actor);
    const follow = following.get(target.id.href);
    if (!follow) throw new Error(`not following ${body.actor}`);
    following.delete(target.id.href);
    await ctx().sendActivity({ identifier: USER }, target, new Undo({
      id: activityId(), actor: ctx().getActorUri(USER), object: follow,
    }));
    return {};
  },
  async note(body) {
    const id = ctx().getObjectUri(Note, { identifier: USER, id: randomUUID() });
    const note = noteFrom(id, body, { published: Temporal.Now.instant() });
    notes.set(id.href, note);
    const create = new Create({
      id: new URL(`${id.href}#create`),
      actor: ctx().getActorUri(USER),
      tos: note.toIds,
      ccs: note.ccIds,
      object: note,
    });
    await send(create, { toFollowers: body.visibility !== "direct", actors: recipientsOf(body) });
    return { id: id.href };
  },
  async update(body) {
    const old = notes.get(body.id);
    if (!old) throw new Error(`no note ${body.id}`);
    const note = old.clone({ content: body.content, updated: Temporal.Now.instant() });
    notes.set(body.id, note);
    await send(new Update({
      id: activityId(), actor: ctx().getActorUri(USER), tos: note.toIds, ccs: note.ccIds, object: note,
    }), { toFollowers: true });
    return {};
  },
  async delete(body) {
    const old = notes.get(body.id);
    if (!old) throw new Error(`no note ${body.id}`);
    notes.delete(body.id);
    await send(new Delete({
      id: activityId(), actor: ctx().getActorUri(USER), to: PUBLIC_COLLECTION, ccs: old.ccIds,
      object: new Tombstone({ id: new URL(body.id) }),
    }), { toFollowers: true });
    return {};
  },
  async like(body) {
    await send(new Like({ id: activityId(), actor: ctx().getActorUri(USER), object: new URL(body.object) }),
      { actors: [body.actor] });
    return {};
  },
  async announce(body) {
    const c = ctx();
    await send(new Announce({
      id: activityId(), actor: c.getActorUri(USER), object: new URL(body.object),
      to: PUBLIC_COLLECTION, ccs: [c.getFollowersUri(USER), new URL(body.actor)],
      published: Temporal.Now.instant(),
    }), { toFollowers: true, actors: followers.has(body.actor) ? [] : [body.actor] });
    return {};
  },
};

// --- HTTP ----------------------------------------------------------------------

function json(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function control(req, res, name, raw) {
  if (req.method === "GET" && name === "inbox") return json(res, 200, inboxLog);
  if (req.method === "GET" && name === "followers") return json(res, 200, [...followers.keys()]);
  const command = req.method === "POST" ? commands[name] : undefined;
  if (!command) return json(res, 404, { error: `no command ${name}` });
  try {
    json(res, 200, await command(raw.length ? JSON.parse(raw.toString()) : {}));
  } catch (e) {
    console.error(`control ${name} failed:`, e);
    json(res, 500, { error: String(e?.stack ?? e) });
  }
}

const server = http.createServer(async (req, res) => {
  try {
    const raw = await readBody(req);
    const url = new URL(req.url, ORIGIN);
    if (url.pathname.startsWith("/_control/")) {
      return await control(req, res, url.pathname.slice("/_control/".length), raw);
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
      else if (v !== undefined) headers.set(k, v);
    }
    const request = new Request(url, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : raw,
    });
    const response = await federation.fetch(request, { contextData: undefined });
    if (req.method === "POST" && /(^\/inbox$|\/inbox$)/.test(url.pathname)) {
      let activity = null;
      try {
        activity = JSON.parse(raw.toString());
      } catch {
        activity = raw.toString();
      }
      inboxLog.push({ path: url.pathname, status: response.status, activity });
      console.log(`inbox ${url.pathname} ${response.status} ${activity?.type} ${activity?.id}`);
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    console.error("request failed:", e);
    if (!res.headersSent) json(res, 500, { error: String(e) });
    else res.end();
  }
});

server.listen(port, args.bind, () => {
  console.log(`fedify peer ${ORIGIN}/users/${USER} listening on ${args.bind}:${port}`);
});
