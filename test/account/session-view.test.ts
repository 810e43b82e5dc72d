import { describe, expect, it } from "vitest";
import { deviceLabel, maskedAddress } from "../../src/server/account/session-view.js";
import { FIREFOX_MAC, SAFARI_IPHONE } from "./account-helpers.js";

describe("deviceLabel", () => {
  it.each([
    [FIREFOX_MAC, "Firefox 132 on macOS"],
    [SAFARI_IPHONE, "Mobile Safari 17 on iOS"],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
      "Edge 131 on Windows",
    ],
    [
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
      "Chrome 131 on Android",
    ],
    [
      "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Chrome 131 on ChromeOS",
    ],
  ])("names %s as %s", (userAgent, label) => {
    expect(deviceLabel(userAgent)).toBe(label);
  });

  it("is null for no User-Agent or one naming neither a browser nor a system", () => {
    for (const userAgent of [null, "", "curl/8.5.0", "python-requests/2.31", "<script>alert(1)</script>"]) {
      expect(deviceLabel(userAgent)).toBeNull();
    }
  });
});

describe("maskedAddress", () => {
  it.each([
    ["198.51.100.23", "198.51.100.x"],
    ["::ffff:198.51.100.23", "198.51.100.x"],
    // As Better Auth stores an IPv6 client: its /64, expanded.
    ["2001:0db8:aaaa:bbbb:0000:0000:0000:0000", "2001:db8:aaaa:bbbb::/64"],
    ["2001:db8:aaaa:bbbb:1:2:3:4", "2001:db8:aaaa:bbbb::/64"],
    ["2001:db8::/64", "2001:db8::/64"],
  ])("shows %s as %s", (stored, shown) => {
    expect(maskedAddress(stored)).toBe(shown);
  });

  it("is null for no address or something that is not one", () => {
    for (const stored of [null, "", "unknown", "not-an-ip", "2001:db8::/48", "1.2.3"]) {
      expect(maskedAddress(stored)).toBeNull();
    }
  });
});
