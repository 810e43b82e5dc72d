import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/**
 * The refresh token's cookie: HttpOnly so page scripts never see it, SameSite=Lax, Secure (and
 * the __Secure- prefix) over https, and sent only to /api/auth, the routes that use it.
 */
export class RefreshCookie {
  readonly name: string;
  private readonly secure: boolean;

  constructor(
    publicUrl: string,
    private readonly maxAgeSeconds: number,
  ) {
    this.secure = publicUrl.startsWith("https:");
    this.name = this.secure ? "__Secure-taskvault_session" : "taskvault_session";
  }

  read(c: Context): string | undefined {
    // `this.name` already carries the __Secure- prefix: Hono's "secure" argument would add a second.
    const value = getCookie(c, this.name);
    return value || undefined;
  }

  write(c: Context, refreshToken: string): void {
    setCookie(c, this.name, refreshToken, {
      path: "/api/auth",
      httpOnly: true,
      sameSite: "Lax",
      secure: this.secure,
      maxAge: this.maxAgeSeconds,
    });
  }

  clear(c: Context): void {
    deleteCookie(c, this.name, { path: "/api/auth", httpOnly: true, sameSite: "Lax", secure: this.secure });
  }
}

/** The web app sends `X-Refresh-Token: cookie` so that its scripts never receive the token. */
export function wantsCookieOnly(c: Context): boolean {
  return c.req.header("x-refresh-token")?.trim().toLowerCase() === "cookie";
}
