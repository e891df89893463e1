// What the server hands the booking page's browser code, as data in the page's #booking-config
// JSON block (functions/booking/page.ts): the same code serves every host.
export interface BookingPageConfig {
  slug: string;
  hostName: string;
  hostTimezone: string;
}
