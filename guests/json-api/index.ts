// json-api — a JSON API endpoint: POST an order, get its totals back.
// Shows: typed JSON (a class with readJson/writeJson, Json.decodeBytes on the
// request body's UTF-8 bytes), the SDK's error on malformed or mistyped input
// answered as 400, a check of your own (JsonReader.invalid), JsonWriter.
//
// nginx:  location = /orders { content_by_wasm json-api.wasm on_content; }
//   curl -s localhost:18080/orders -d '{"customer":"ann","items":[{"sku":"A1","qty":2,"price":9.5}]}'
//   → {"customer":"ann","lines":1,"quantity":2,"total":19,"skus":["A1"]}
//   curl -s localhost:18080/orders -d '{"customer":"ann" "items":[]}'
//   → 400 {"error":"JSON: expected ',' or '}' at byte 18"}
import { handle, Json, JsonReader, JsonWriter, Request, Response } from "ngxwasm";

class Line {
  sku: string = "";
  qty: i32 = 0;
  price: f64 = 0;

  readJson(r: JsonReader): void {
    this.sku = r.string("sku");
    this.qty = r.i32("qty");
    this.price = r.f64("price");
    if (this.qty < 1) r.invalid("qty", "must be at least 1");
    if (this.price < 0) r.invalid("price", "must not be negative");
  }
}

class Order {
  customer: string = "";
  items: Line[] = [];
  note: string | null = null;

  readJson(r: JsonReader): void {
    this.customer = r.string("customer");
    this.items = r.array<Line>("items");
    this.note = r.stringOrNull("note");
  }
}

/** What the endpoint answers for an order. */
class Totals {
  constructor(public order: Order) {}

  writeJson(w: JsonWriter): void {
    const items = this.order.items;
    let quantity: i64 = 0;
    let total: f64 = 0;
    for (let i = 0; i < items.length; i++) {
      quantity += items[i].qty;
      total += <f64>items[i].qty * items[i].price;
    }
    w.beginObject()
      .key("customer").str(this.order.customer)
      .key("lines").int(items.length)
      .key("quantity").int(quantity)
      .key("total").num(total)
      .key("skus").beginArray();
    for (let i = 0; i < items.length; i++) w.str(items[i].sku);
    w.endArray();
    if (this.order.note !== null) w.key("note").str(this.order.note!);
    w.endObject();
  }
}

function fail(status: i32, message: string): void {
  Response.setContentType("application/json");
  Response.exit(status, new JsonWriter().beginObject().key("error").str(message).endObject().toString() + "\n");
}

function orders(): void {
  if (Request.method() != "POST") {
    Response.setHeader("Allow", "POST");
    fail(405, "POST a JSON order: {\"customer\":…,\"items\":[{\"sku\":…,\"qty\":…,\"price\":…}]}");
    return;
  }
  const order = Json.decodeBytes<Order>(Request.body());   // no body: "expected a value at byte 0"
  if (!order.ok) {
    fail(400, order.error);
    return;
  }
  Response.setContentType("application/json");
  const w = new JsonWriter().write(new Totals(order.value));
  Response.write(w.bytes());
  Response.print("\n");
}

export function on_content(): i32 {
  return handle(orders);
}
