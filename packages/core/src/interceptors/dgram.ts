import type { Socket as DgramSocket } from 'node:dgram'
import { StackCapture } from '../attribution.js'
import type { Engine } from '../engine.js'
import { parseAddress } from '../rules/address.js'
import { type NetTarget, normalizeHost, resolverName } from '../rules/net.js'
import { checkNet } from './check-net.js'
import { decideSafely } from './fail-closed.js'
import { type Natives, uvErrno } from './natives.js'
import { patchMethod, type Restore } from './patch.js'

const dgram = process.getBuiltinModule('node:dgram')

// UDP: `UDP.prototype.send/send6` (unconnected sends carry the address) and
// `connect/connect6` (a connected socket's sends carry none: it is decided at connect).
// dgram resolves the address asynchronously (and binds first), so the binding call has no user
// frames; the JS methods store the caller's stack on the socket for attribution.
// A refused send answers its callback with our error; a refused connect fails with EPERM.
// Names go through dns.lookup and are decided there first.

const kStack = Symbol('leakgate.dgram.stack')

type UdpSocket = DgramSocket & { [kStack]?: StackCapture }

function externalLiteral(engine: Engine, address: unknown): boolean {
  if (typeof address !== 'string') return false
  const parsed = parseAddress(address)
  return parsed ? !engine.isLocal({ address: parsed }) : !engine.isLocal({ host: normalizeHost(address) })
}

export function installDgram(engine: Engine, natives: Natives, restores: Restore[]): void {
  for (const method of ['send', 'connect'] as const) {
    patchMethod<(...args: unknown[]) => unknown>(
      restores,
      dgram.Socket.prototype,
      method,
      (real) =>
        function remember(this: UdpSocket, ...args: unknown[]) {
          if (engine.active) {
            try {
              const address = args.find((arg, i) => i > 0 && typeof arg === 'string')
              if (externalLiteral(engine, address)) {
                // A send before bind is queued and replayed by dgram itself: keep the caller's stack.
                const capture = new StackCapture(engine.filter, remember)
                if (capture.origin() || !this[kStack]) this[kStack] = capture
              }
            } catch {
              // Only the call site is lost: the native layer below still decides.
            }
          }
          return Reflect.apply(real, this, args)
        },
    )
  }

  const UDP = natives.UDP
  if (!UDP) return
  const owner = natives.ownerSymbol
  const eperm = uvErrno('EPERM')
  // The native calls read the address as a C string: decide on what they read (up to a NUL).
  const decide = (
    handle: Record<symbol, UdpSocket | undefined>,
    event: string,
    address: string,
    port: number,
    skip: (...args: never[]) => unknown,
  ) =>
    decideSafely(engine, 'net', event, skip, () => {
      const seen = resolverName(address)
      const parsed = parseAddress(seen)
      // Not an address: the native call fails to parse it and sends nothing.
      if (!parsed) return { ok: true }
      const target: NetTarget = { address: parsed, port }
      if (engine.isLocal(target)) return { ok: true }
      const socket = owner ? handle[owner] : undefined
      return checkNet(engine, event, target, [address, port], skip, { stack: socket?.[kStack] })
    })

  for (const method of ['send', 'send6']) {
    patchMethod<(...args: unknown[]) => number>(
      restores,
      UDP,
      method,
      (real) =>
        function udpSend(this: Record<symbol, UdpSocket | undefined>, ...args: unknown[]) {
          // Connected form: (req, list, count, hasCallback) has no address.
          if (!engine.active || args.length < 5) return Reflect.apply(real, this, args)
          if (typeof args[4] !== 'string') {
            args = [...args]
            args[4] = `${args[4] as string}`
          }
          const outcome = decide(this, 'dgram.send', args[4] as string, args[3] as number, udpSend)
          if (outcome.ok) return Reflect.apply(real, this, args)
          const req = args[0] as { callback?: (error: Error) => void }
          if (typeof req.callback === 'function') {
            const callback = req.callback
            process.nextTick(() => callback(outcome.error))
          }
          return 0
        },
    )
  }
  for (const method of ['connect', 'connect6']) {
    patchMethod<(address: string, port: number) => number>(
      restores,
      UDP,
      method,
      (real) =>
        function udpConnect(this: Record<symbol, UdpSocket | undefined>, address: unknown, port: number) {
          if (!engine.active) return Reflect.apply(real, this, [address, port])
          const text = typeof address === 'string' ? address : `${address as string}`
          const outcome = decide(this, 'dgram.connect', text, port, udpConnect)
          return outcome.ok ? Reflect.apply(real, this, [text, port]) : eperm
        },
    )
  }
}
