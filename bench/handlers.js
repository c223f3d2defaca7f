// njs handlers of `make bench` (js_import'ed by the bench's nginx.conf):
// the same three workloads as the Lua handlers and the wasm guests.

function hello(r) {
    r.return(200, "hello, world\n");
}

// header filter: uppercasing may change the length (not for the bench's ASCII file)
function upperHeader(r) {
    delete r.headersOut['Content-Length'];
}

function upper(r, data, flags) {
    r.sendBuffer(data.toUpperCase(), flags);
}

// 200 objects {id, name, value}: encode, decode, sum `value`
function json(r) {
    var items = [];
    for (var i = 1; i <= 200; i++) {
        items.push({ id: i, name: "item-" + i, value: i * 3 });
    }
    var decoded = JSON.parse(JSON.stringify(items));
    var sum = 0;
    for (var j = 0; j < decoded.length; j++) {
        sum += decoded[j].value;
    }
    r.return(200, sum + "\n");
}

export default { hello, upperHeader, upper, json };
