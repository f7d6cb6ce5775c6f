import { useEffect, useState } from "react";
import type { components } from "../../api/schema";
import { answer, useApi, type Api } from "../../lib/api";
import { useLoad } from "../../lib/useLoad";

export type InboxItem = components["schemas"]["InboxItemOut"];

const EVERY = 60_000;

// The inbox screen knows the count the moment it loads or marks a message read; the header hears it here
// at once instead of at its next look.
const listeners = new Set<(unread: number) => void>();

export function unreadOf(items: InboxItem[]): number {
  return items.filter((item) => item.read_at === null).length;
}

/** Tells the header's count what the inbox now holds. */
export function publishUnread(items: InboxItem[]): void {
  const unread = unreadOf(items);
  listeners.forEach((listener) => listener(unread));
}

/** How many of my messages are unread (GET /inbox), looked at again every minute; undefined until known. */
export function useUnreadCount(): number | undefined {
  const api = useApi();
  const [unread, setUnread] = useState<number>();
  useEffect(() => {
    const controller = new AbortController();
    const look = () =>
      api
        .GET("/inbox", { signal: controller.signal })
        .then(answer)
        .then((items) => setUnread(unreadOf(items)))
        .catch(() => undefined); // the count is a hint; the inbox itself shows errors
    void look();
    const timer = window.setInterval(look, EVERY);
    listeners.add(setUnread);
    return () => {
      controller.abort();
      window.clearInterval(timer);
      listeners.delete(setUnread);
    };
  }, [api]);
  return unread;
}

/** My messages (GET /inbox), newest first. */
export function useInbox() {
  const api = useApi();
  return useLoad(
    (signal) =>
      api
        .GET("/inbox", { signal })
        .then(answer)
        .then((items) => [...items].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))),
    [api],
  );
}

/** Marks one message read (POST /inbox/{id}/read); answers the message as it now is. */
export function markRead(api: Api, itemId: string): Promise<InboxItem> {
  return api.POST("/inbox/{item_id}/read", { params: { path: { item_id: itemId } }, body: {} }).then(answer);
}

// An identifier as notify writes it into a link: letters, digits, hyphens and underscores.
const ID = /^[\w-]+$/;

function urlOf(link: string): URL | undefined {
  try {
    return new URL(link, "http://tiimi.invalid");
  } catch {
    return undefined;
  }
}

/**
 * Where in the app a message's link leads, or undefined when the app has no screen for it.
 * notify links to the app's pages (the client's page, at a referral if the message is about one, or a
 * partner's referral); older messages linked to API paths (…/referrals/<id>, …/teams/<id>), of which only
 * a partner's referral has a screen.
 */
export function appRouteOf(link: string, kind: "professional" | "partner"): string | undefined {
  const url = urlOf(link);
  if (!url) return undefined;
  const client = /^\/app\/clients\/([\w-]+)\/?$/.exec(url.pathname);
  if (client) {
    const referral = url.searchParams.get("referral");
    const page = `/app/clients/${client[1]}`;
    return referral && ID.test(referral) ? `${page}?${new URLSearchParams({ referral })}` : page;
  }
  const partnerReferral = /^\/app\/partner\/referrals\/([\w-]+)\/?$/.exec(url.pathname);
  if (partnerReferral) return `/app/partner/referrals/${partnerReferral[1]}`;
  const referral = /^\/referrals\/([\w-]+)$/.exec(url.pathname);
  if (referral && kind === "partner") return `/app/partner/referrals/${referral[1]}`;
  return undefined;
}

/** The item an older message is about, as text, when there is no screen to link to: "referral 3F2C91AB". */
export function itemOf(link: string): { kind: "referral" | "team"; reference: string } | undefined {
  const url = urlOf(link);
  if (!url) return undefined;
  const found = /^\/(referrals|teams)\/([\w-]+)$/.exec(url.pathname);
  if (!found) return undefined;
  return {
    kind: found[1] === "referrals" ? "referral" : "team",
    reference: found[2]!.replace(/-/g, "").slice(0, 8).toUpperCase(),
  };
}
