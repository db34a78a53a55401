/** Connection commands the proxy answers itself: AUTH, HELLO, RESET, CLIENT, and (P|S)SUBSCRIBE, which turns the connection into a tunnel. */
import { timingSafeEqual } from 'crypto';
import { encodeReply } from '../resp';
import { keySlot } from '../slots';
import { HOST } from './config';
import type { ProxyCore } from './core';
import { lower } from './keys';
import { arityError, EMPTY, ERRORS, errorReply, integer, OK, simple } from './replies';
import type { Ctx, Session } from './session';

export function checkPassword(p: ProxyCore, password: Buffer): boolean {
  const expected = Buffer.from(p.config.password ?? '');
  return password.length === expected.length && timingSafeEqual(password, expected);
}

export function auth(p: ProxyCore, c: Ctx): void {
  if (c.args.length < 2 || c.args.length > 3) return c.reply(arityError(c));
  if (p.config.password === undefined) return c.reply(errorReply(ERRORS.noPassword).raw);
  if (!checkPassword(p, c.args[c.args.length - 1])) return c.reply(errorReply(ERRORS.wrongpass).raw);
  c.session.authenticated = true;
  c.reply(OK);
}

/** HELLO [protover [AUTH user pass] [SETNAME name]]: RESP2 only (RESP3 gets -NOPROTO so clients fall back). */
export function hello(p: ProxyCore, c: Ctx): void {
  const args = c.args;
  if (args.length > 1) {
    const version = Number(args[1].toString());
    if (!Number.isInteger(version)) return c.reply(errorReply('ERR Protocol version is not an integer or out of range').raw);
    if (version !== 2) return c.reply(errorReply('NOPROTO sorry, this protocol version is not supported').raw);
  }
  let name: Buffer | undefined;
  let authenticated = c.session.authenticated;
  for (let i = 2; i < args.length; i++) {
    const option = lower(args[i]);
    if (option === 'auth' && i + 2 < args.length) {
      if (p.config.password === undefined) return c.reply(errorReply(ERRORS.noPassword).raw);
      if (!checkPassword(p, args[i + 2])) return c.reply(errorReply(ERRORS.wrongpass).raw);
      authenticated = true;
      i += 2;
    } else if (option === 'setname' && i + 1 < args.length) {
      name = args[++i];
    } else {
      return c.reply(errorReply(`ERR Syntax error in HELLO option '${args[i].toString()}'`).raw);
    }
  }
  if (!authenticated) return c.reply(errorReply('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time').raw);
  c.session.authenticated = true;
  if (name) c.session.name = name.toString();
  c.reply(
    encodeReply(['server', 'redis', 'version', p.redisVersion, 'proto', 2, 'id', c.session.id, 'mode', p.oss ? 'cluster' : 'standalone', 'role', 'master', 'modules', []]),
  );
}

export function reset(p: ProxyCore, c: Ctx): void {
  const s = c.session;
  s.tx = undefined;
  s.watching?.upstream.destroy();
  s.watching = undefined;
  s.name = '';
  s.authenticated = p.config.password === undefined;
  c.reply(simple('RESET'));
}

export function client(p: ProxyCore, c: Ctx): void {
  const sub = lower(c.args[1]);
  const s = c.session;
  switch (sub) {
    case 'setname': {
      const name = c.args[2]?.toString() ?? '';
      if (c.args.length !== 3) return c.reply(arityError(c));
      if (/[\s]/.test(name)) return c.reply(errorReply('ERR Client names cannot contain spaces, newlines or special characters.').raw);
      s.name = name;
      return c.reply(OK);
    }
    case 'getname':
      return c.reply(encodeReply(s.name === '' ? null : s.name));
    case 'id':
      return c.reply(integer(s.id));
    case 'info':
      return c.reply(encodeReply(`${clientLine(p, s)}\n`));
    case 'list':
      return c.reply(encodeReply([...p.sessions].map((x) => `${clientLine(p, x)}\n`).join('')));
    case 'setinfo':
    case 'no-evict':
    case 'no-touch':
      return c.reply(OK);
    default:
      return c.reply(errorReply(ERRORS.unsupported(`CLIENT ${sub.toUpperCase()}`)).raw);
  }
}

export function clientLine(p: ProxyCore, s: Session): string {
  return `id=${s.id} addr=${s.socket.remoteAddress}:${s.socket.remotePort} laddr=${HOST}:${p.port} name=${s.name} db=0 multi=${s.tx ? s.tx.commands.length : -1} cmd=client`;
}

/** (P|S)SUBSCRIBE: from here on the client talks to one primary directly (the shard channel's owner for SSUBSCRIBE). */
export function subscribe(p: ProxyCore, c: Ctx, shardChannel: Buffer | undefined): void {
  if (shardChannel !== undefined) {
    const slot = keySlot(shardChannel);
    if (p.redirect(c, slot)) return;
  }
  // The tunnel carries this command and its replies: its reply slot is released empty, and the tunnel opens once
  // every earlier reply has been written.
  p.tunnelTargets.set(c.session, shardChannel === undefined ? p.anyPrimary() : p.routing.owner[keySlot(shardChannel)]);
  c.session.startTunnel(c.raw);
  c.session.fill(c.slot, EMPTY);
}
