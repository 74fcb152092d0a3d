// The pages people click, in a real browser (Debian's headless Chromium, driven by
// playwright-core): book on the local stack, open the inbox page, open the confirmation e-mail,
// follow its cancel link, confirm, and check through the API that the appointment is cancelled
// and the notice is in the inbox; post a one-click unsubscribe; load a tampered link.
// Screenshots of each page, at desktop and phone widths, go to target/screenshots/.
//
// Usage: node inbox-and-links.mjs <base URL of a running local stack (frozen clock)> <screenshots dir>

import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const tenant = "salon-browser";
let passed = 0;
const failures = [];

function check(what, condition, detail = "") {
  if (condition) {
    passed += 1;
    console.log(`ok   ${what}`);
  } else {
    failures.push(what);
    console.log(`FAIL ${what} ${detail}`);
  }
}

async function api(method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { "x-tenant-id": tenant, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: response.status, body: json };
}

async function screenshot(page, name) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/${name}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

// --- the business, a client with marketing consent, a booking -------------------------------
const now = new Date((await api("GET", "/_local/clock")).body.now);
const day = (n, hour) => {
  const d = new Date(now);
  d.setUTCDate(d.getUTCDate() + n);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString().replace(".000Z", "Z");
};
check("settings saved", (await api("PUT", "/v1/settings", {
  business_name: "Salon <Léa> & Co",
  time_zone: "Europe/Paris",
  default_locale: "fr",
  managers: [{ id: "owner", name: "Olga", email: "olga@salon.example" }],
  notifications: { reengagement: { steps: [{ days_after_last_visit: 1, email: true }] } },
})).status === 200);
await api("PUT", "/v1/appointment-types/cut", { name: "Coupe" });
await api("PUT", "/v1/staff/sam", { name: "Sam", email: "sam@salon.example" });
const client = await api("POST", "/v1/clients", {
  name: "Léa Martin", email: "lea@example.fr", phone: "+33612345678", preferences: { marketing: true },
});
const booked = await api("POST", "/v1/appointments", {
  client_id: client.body.id, staff_id: "sam", type_id: "cut", start: day(3, 9), end: day(3, 10),
});
check("appointment booked", booked.status === 201, JSON.stringify(booked.body));
const appointment = booked.body.id;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });

  // --- the inbox, the confirmation e-mail ------------------------------------------------
  await page.goto(base + "/");
  check("the inbox page opens", (await page.title()).includes("Inbox"));
  check("the confirmation is listed",
    await page.getByRole("link", { name: /Rendez-vous confirmé/ }).count() === 1);
  await screenshot(page, "01-inbox");

  await page.getByRole("link", { name: /Rendez-vous confirmé/ }).click();
  await page.waitForLoadState();
  check("the e-mail opens with its invitation",
    (await page.locator("text=REQUEST").count()) > 0);
  const frame = page.frameLocator("iframe");
  check("its HTML part renders in the sandboxed frame",
    (await frame.locator("text=Bonjour Léa Martin").count()) > 0);
  await screenshot(page, "02-confirmation-email");

  // --- the cancel link: a page, then the button --------------------------------------------
  const cancelUrl = await page.locator("a.link-cancel").getAttribute("href");
  await page.locator("a.link-cancel").click();
  await page.waitForLoadState();
  check("the cancel link shows a confirmation page", (await page.title()) === "Annuler ce rendez-vous ?");
  check("following the link changed nothing",
    (await api("GET", `/v1/appointments/${appointment}`)).body.status === "confirmed");
  await screenshot(page, "03-cancel-confirm");

  await page.getByRole("button", { name: "Confirmer l'annulation" }).click();
  await page.waitForLoadState();
  check("the page says it is done", (await page.title()) === "Rendez-vous annulé");
  await screenshot(page, "04-cancelled");
  check("the API shows the appointment cancelled",
    (await api("GET", `/v1/appointments/${appointment}`)).body.status === "cancelled");
  await page.goto(base + "/");
  check("the cancellation notice is in the inbox",
    await page.getByRole("link", { name: /^Rendez-vous annulé$/ }).count() === 1);

  // --- a tampered link ---------------------------------------------------------------------
  const tampered = await page.goto(cancelUrl.replace("sig=", "sig=00"));
  check("a tampered link answers 404", tampered.status() === 404);
  check("with a clear page", (await page.title()) === "Lien non valide");
  await screenshot(page, "05-tampered-link");

  // --- one-click unsubscribe ---------------------------------------------------------------
  const visit = await api("POST", "/v1/appointments", {
    client_id: client.body.id, staff_id: "sam", type_id: "cut", start: day(4, 9), end: day(4, 10),
  });
  check("a second visit booked", visit.status === 201);
  await api("POST", "/_local/clock", { to: day(6, 12) });
  const outbox = (await api("GET", "/_local/outbox")).body.messages;
  const marketing = outbox.find((m) => m.channel === "email" && /List-Unsubscribe: </.test(m.mime));
  check("a re-engagement e-mail carries List-Unsubscribe", marketing !== undefined);
  const unsubscribe = marketing.mime.match(/List-Unsubscribe: <([^>]+)>/)[1];
  await page.goto(unsubscribe);
  check("the unsubscribe link shows a button", (await page.getByRole("button").count()) === 1);
  await screenshot(page, "06-unsubscribe");
  const oneClick = await fetch(unsubscribe, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
    redirect: "manual",
  });
  check("a one-click POST answers 200, no redirect", oneClick.status === 200);
  check("the marketing consent is withdrawn",
    (await api("GET", `/v1/clients/${client.body.id}`)).body.preferences.marketing === false);
} finally {
  await browser.close();
}

console.log(`browser: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
