import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";

/** How long a device stays known after its last successful sign-in. */
const DEVICE_COOKIE_DAYS = 180;

/**
 * OWASP's device cookies (docs/decisions/010-device-cookies.md): after a successful sign-in the
 * browser gets an HttpOnly cookie naming a random device id and the account (as a hash of its
 * email), signed with a key derived from AUTH_SECRET. Failed sign-ins from a client presenting a
 * valid cookie for the account count against that device alone, so strangers who use up the
 * account's limit do not lock out its owner. The cookie grants nothing by itself.
 */
export class DeviceCookies {
  readonly name: string;
  private readonly secure: boolean;
  private readonly keys: Buffer[];

  /** `secrets`: the current AUTH_SECRET first (it signs), then previous ones (they verify). */
  constructor(publicUrl: string, secrets: string[]) {
    this.secure = publicUrl.startsWith("https:");
    this.name = this.secure ? "__Secure-taskvault_device" : "taskvault_device";
    this.keys = secrets.map((s) => Buffer.from(hkdfSync("sha256", s, "", "taskvault device cookie", 32)));
  }

  /** Whether the request carries a device cookie at all (valid or not: checked by deviceFor). */
  present(c: Context): boolean {
    return (c.req.header("cookie") ?? "").includes(`${this.name}=`);
  }

  /** The device id of the request's cookie when it is valid, unexpired and bound to `email`. */
  deviceFor(c: Context, email: string): string | undefined {
    const value = getCookie(c, this.name);
    const [deviceId, account, expires, signature, extra] = value?.split(".") ?? [];
    if (!deviceId || !account || !expires || !signature || extra !== undefined) return undefined;
    const payload = `${deviceId}.${account}.${expires}`;
    if (!this.keys.some((key) => sameText(sign(key, payload), signature))) return undefined;
    if (account !== accountTag(email) || !/^\d+$/.test(expires) || Number(expires) * 1000 < Date.now())
      return undefined;
    return deviceId;
  }

  /** Sets a new device cookie for `email` after a successful sign-in. */
  issue(c: Context, email: string): void {
    const expires = Math.floor(Date.now() / 1000) + DEVICE_COOKIE_DAYS * 86_400;
    const payload = `${randomBytes(16).toString("base64url")}.${accountTag(email)}.${expires}`;
    const key = this.keys[0];
    if (!key) return;
    setCookie(c, this.name, `${payload}.${sign(key, payload)}`, {
      path: "/api/auth",
      httpOnly: true,
      sameSite: "Lax",
      secure: this.secure,
      maxAge: DEVICE_COOKIE_DAYS * 86_400,
    });
  }
}

function accountTag(email: string): string {
  return createHash("sha256").update(email.toLowerCase()).digest("base64url").slice(0, 22);
}

function sign(key: Buffer, payload: string): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
