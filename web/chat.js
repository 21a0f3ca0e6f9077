/* Website chat for the DV help assistant. Self-contained: no libraries, no CDN.
 *
 * Talks to Rasa's socket.io channel (channels/socketio_web.py) with a minimal Socket.IO v5 /
 * Engine.IO v4 client over a WebSocket. The conversation lives only in sessionStorage (this
 * tab) and on the server under a server-issued, unguessable session id.
 *
 * Quick exit (GOV.UK "Exit this page"): the link on every view (a real link to the neutral site,
 * so it works even if this script fails), or Shift pressed three times with at most 5 seconds
 * between presses, clears sessionStorage, asks the server to erase the conversation
 * (navigator.sendBeacon, never waits), and replaces the page with a neutral site
 * (location.replace, so Back does not return). The page never adds history entries. Each
 * Shift press is announced to screen readers ("press 2 more times") and lights a dot on the
 * exit button; any other key, or 5 seconds without a press, starts the count again. The Shift
 * hint (under the input) shows only where a keyboard is likely or has been used.
 *
 * Scrolling: each new answer is shown from its first line (the log scrolls to the first bot
 * message after the person's last one), not from its tail.
 *
 * Bot messages are rendered as text nodes; only http(s) addresses and phone numbers become
 * links, built as DOM nodes. Nothing from a message ever reaches innerHTML.
 */
(function () {
  "use strict";

  var TEXT = window.DVChatText;
  var root = document.getElementById("dv-chat");
  if (!root || !TEXT) { return; }

  var KEY = "dvchat:";
  var LANGS = [["ru", "RU", "Русский"], ["be", "BE", "Беларуская"], ["en", "EN", "English"]];
  var server = (root.getAttribute("data-server") || window.location.origin).replace(/\/+$/, "");
  var exitUrl = root.getAttribute("data-exit-url") || "https://www.google.com/";
  var standalone = root.classList.contains("dv-page");

  // ---- storage: sessionStorage only (never localStorage or cookies) ----------------------
  var memory = {};
  var storage = (function () {
    try { window.sessionStorage.setItem(KEY + "probe", "1"); window.sessionStorage.removeItem(KEY + "probe"); return window.sessionStorage; }
    catch (e) { return { getItem: function (k) { return memory[k] || null; }, setItem: function (k, v) { memory[k] = String(v); }, removeItem: function (k) { delete memory[k]; }, clear: function () { memory = {}; } }; }
  })();
  function load(name) { try { return JSON.parse(storage.getItem(KEY + name)); } catch (e) { return null; } }
  function save(name, value) { if (exiting) { return; } try { storage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* full: keep going */ } }

  function pickLanguage(wanted) {
    if (TEXT[wanted]) { return wanted; }
    var nav = (navigator.language || "ru").slice(0, 2).toLowerCase();
    return TEXT[nav] ? nav : "ru";
  }

  var query = /[?&]lang=(ru|be|en)\b/.exec(window.location.search);
  var lang = pickLanguage(load("lang") || (query && query[1]) || root.getAttribute("data-lang"));
  var messages = load("log") || [];
  var sessionId = load("session");
  var exiting = false;

  function t(key) { return (TEXT[lang] && TEXT[lang][key]) || TEXT.ru[key] || key; }

  // ---- DOM helpers -------------------------------------------------------------------------
  function el(tag, className, attrs) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (attrs) { for (var name in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, name)) { node.setAttribute(name, attrs[name]); } } }
    return node;
  }
  function button(className, onClick, attrs) {
    var node = el("button", className, attrs);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  var LINK = /(https?:\/\/[^\s<>"'«»]+)|((?<![\w+])(?:\+375|8)[\s\-(]*0?\d{2,4}[\s\-)]*\d[\d\s\-]{4,}\d)/g;

  /** Appends `text` to `parent` as text nodes; addresses and phone numbers become links. */
  function appendText(parent, text) {
    text = String(text == null ? "" : text);
    var last = 0, match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      var found = match[0], href;
      if (match[1]) {
        var trail = /[.,;:!?)\]]+$/.exec(found);
        if (trail) { found = found.slice(0, found.length - trail[0].length); }
        href = found;
      } else {
        var digits = found.replace(/[^\d+]/g, "");
        if (digits.replace("+", "").length < 9) { continue; }
        href = "tel:" + digits;
      }
      if (match.index > last) { parent.appendChild(document.createTextNode(text.slice(last, match.index))); }
      var a = el("a", "dv-link", { href: href });
      if (match[1]) { a.setAttribute("target", "_blank"); a.setAttribute("rel", "noopener noreferrer"); }
      a.textContent = found;
      parent.appendChild(a);
      last = match.index + found.length;
      LINK.lastIndex = last;
    }
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
  }

  // ---- layout ------------------------------------------------------------------------------
  root.textContent = "";
  var header = el("header", "dv-header");
  var heading = el(standalone ? "h1" : "h2", "dv-heading");
  var langGroup = el("div", "dv-langs", { role: "group" });
  var langButtons = {};
  LANGS.forEach(function (entry) {
    var b = button("dv-lang", function () { switchLanguage(entry[0]); }, { lang: entry[0], "aria-label": entry[2], "data-lang": entry[0] });
    b.textContent = entry[1];
    langButtons[entry[0]] = b;
    langGroup.appendChild(b);
  });
  var exitButton = el("a", "dv-exit", { href: exitUrl, rel: "noreferrer", referrerpolicy: "no-referrer", "data-testid": "exit" });
  exitButton.addEventListener("click", function (event) { event.preventDefault(); quickExit(); });
  header.appendChild(exitButton); // first in the tab order (GOV.UK), shown on the right by CSS
  header.appendChild(heading);
  header.appendChild(langGroup);

  var exitHint = el("p", "dv-hint");
  exitHint.hidden = true;
  var announce = el("span", "dv-sr dv-announce", { role: "status" });
  var chatView = el("section", "dv-view dv-chat-view");
  var notice = el("p", "dv-notice");
  var logBox = el("div", "dv-log", { role: "log", "aria-live": "polite", tabindex: "0" });
  var typing = el("p", "dv-typing", { role: "status" });
  typing.hidden = true;
  var status = el("p", "dv-status", { role: "status" });
  var form = el("form", "dv-form", { autocomplete: "off" });
  var inputLabel = el("label", "dv-sr", { "for": "dv-input" });
  var input = el("input", "dv-input", { id: "dv-input", type: "text", maxlength: "1000", autocomplete: "off", enterkeyhint: "send" });
  var sendButton = el("button", "dv-send", { type: "submit" });
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendButton);
  var safetyLink = button("dv-linkbutton", function () { showView("safety"); }, { "data-testid": "safety" });
  chatView.appendChild(notice);
  chatView.appendChild(logBox);
  chatView.appendChild(typing);
  chatView.appendChild(status);
  chatView.appendChild(form);
  chatView.appendChild(exitHint);
  chatView.appendChild(safetyLink);

  var safetyView = el("section", "dv-view dv-safety-view");
  safetyView.hidden = true;
  var safetyTitle = el(standalone ? "h2" : "h3", "dv-safety-title", { tabindex: "-1" });
  var safetyParas = [1, 2, 3, 4, 5].map(function () { return el("p", "dv-safety-text"); });
  var backButton = button("dv-linkbutton", function () { showView("chat"); });
  safetyView.appendChild(safetyTitle);
  safetyParas.forEach(function (p) { safetyView.appendChild(p); });
  safetyView.appendChild(backButton);

  root.appendChild(header);
  root.appendChild(chatView);
  root.appendChild(safetyView);
  root.appendChild(announce);

  function applyLanguage() {
    if (standalone) { document.documentElement.lang = lang; document.title = t("title"); }
    root.setAttribute("lang", lang);
    heading.textContent = t("heading");
    langGroup.setAttribute("aria-label", t("language"));
    LANGS.forEach(function (entry) { langButtons[entry[0]].setAttribute("aria-pressed", String(entry[0] === lang)); });
    exitButton.textContent = t("exit");
    exitHint.textContent = t("exit_hint");
    notice.textContent = t("notice");
    logBox.setAttribute("aria-label", t("log_label"));
    typing.textContent = t("typing");
    inputLabel.textContent = t("input_label");
    input.setAttribute("placeholder", t("placeholder"));
    sendButton.textContent = t("send");
    safetyLink.textContent = t("safety_link");
    backButton.textContent = t("back_to_chat");
    safetyTitle.textContent = t("safety_title");
    safetyParas.forEach(function (p, i) { p.textContent = ""; appendText(p, t("safety_" + (i + 1))); });
    Array.prototype.forEach.call(logBox.querySelectorAll(".dv-who"), function (node) {
      node.textContent = t(node.getAttribute("data-who")) + ": ";
    });
    Array.prototype.forEach.call(logBox.querySelectorAll(".dv-choices"), function (node) {
      node.setAttribute("aria-label", t("choices"));
    });
  }

  function showView(name) {
    chatView.hidden = name !== "chat";
    safetyView.hidden = name !== "safety";
    (name === "chat" ? input : safetyTitle).focus();
  }

  // ---- messages ----------------------------------------------------------------------------
  /** Renders one message ({from: "bot"|"user", text, buttons: [{title, payload}]}) as text. */
  function render(message) {
    var from = message.from === "user" ? "user" : "bot";
    var item = el("div", "dv-msg dv-" + from);
    var who = el("span", "dv-who dv-sr", { "data-who": from === "user" ? "you" : "bot" });
    who.textContent = t(from === "user" ? "you" : "bot") + ": ";
    item.appendChild(who);
    var body = el("span", "dv-text");
    appendText(body, message.text);
    item.appendChild(body);
    logBox.appendChild(item);
    var choices = message.buttons || [];
    if (choices.length) {
      var group = el("div", "dv-choices", { role: "group", "aria-label": t("choices") });
      choices.forEach(function (choice) {
        var b = button("dv-choice", function () { send(String(choice.payload), String(choice.title)); });
        b.textContent = String(choice.title);
        group.appendChild(b);
      });
      logBox.appendChild(group);
    }
    if (from === "user") { answerStart = null; logBox.scrollTop = logBox.scrollHeight; }
    else {
      if (!answerStart) { answerStart = item; }
      showAnswer();
    }
    return item;
  }

  // The first bot message after the person's last one: the answer is shown from there.
  var answerStart = null;
  function showAnswer() {
    if (answerStart) { logBox.scrollTop = Math.max(0, answerStart.offsetTop - 4); }
  }

  function remember(message) {
    if (message.from === "user") {
      messages.forEach(function (m) { delete m.buttons; });
      Array.prototype.forEach.call(logBox.querySelectorAll(".dv-choices"), function (node) { node.parentNode.removeChild(node); });
    }
    messages.push(message);
    if (messages.length > 300) { messages = messages.slice(-300); }
    save("log", messages);
    render(message);
  }

  var typingTimer = null;
  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) { typingTimer = setTimeout(function () { typing.hidden = true; }, 20000); }
  }

  function onBotMessage(data) {
    if (exiting || !data || typeof data !== "object") { return; }
    var buttons = (data.quick_replies || data.buttons || []).filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    }).map(function (b) { return { title: b.title, payload: b.payload }; });
    if (typeof data.text !== "string" && !buttons.length) { return; }
    setTyping(false);
    remember({ from: "bot", text: typeof data.text === "string" ? data.text : "", buttons: buttons });
  }

  // ---- Socket.IO over a WebSocket ----------------------------------------------------------
  var socket = null, ready = false, attempts = 0, queue = [];

  function emit(name, data) { socket.send("42" + JSON.stringify([name, data])); }

  function connect() {
    if (exiting) { return; }
    status.textContent = attempts ? t("reconnecting") : t("connecting");
    var url = server.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket";
    try { socket = new WebSocket(url); } catch (e) { scheduleReconnect(); return; }
    socket.onmessage = function (event) {
      var packet = typeof event.data === "string" ? event.data : "";
      var type = packet.charAt(0);
      if (type === "0") { socket.send("40"); }                 // engine.io open → socket.io connect
      else if (type === "2") { socket.send("3"); }             // ping → pong
      else if (type === "4") {
        var kind = packet.charAt(1);
        if (kind === "0") { emit("session_request", { session_id: sessionId }); }
        else if (kind === "2") {
          var event_;
          try { event_ = JSON.parse(packet.slice(2)); } catch (e) { return; }
          if (!Array.isArray(event_)) { return; }
          if (event_[0] === "session_confirm") { onSession(event_[1]); }
          else if (event_[0] === "bot_uttered") { onBotMessage(event_[1]); }
        } else if (kind === "1" || kind === "4") { socket.close(); }
      }
    };
    socket.onclose = function () { ready = false; scheduleReconnect(); };
    socket.onerror = function () { /* onclose follows */ };
  }

  function scheduleReconnect() {
    if (exiting) { return; }
    status.textContent = t("reconnecting");
    var delay = Math.min(8000, 500 * Math.pow(2, attempts++));
    setTimeout(connect, delay);
  }

  function onSession(id) {
    if (typeof id !== "string") { return; }
    var fresh = id !== sessionId;
    sessionId = id;
    save("session", id);
    ready = true;
    attempts = 0;
    status.textContent = "";
    if (fresh && !messages.length) {
      queue.unshift('/start{"language":"' + lang + '"}'); // the welcome, in the page's language
      setTyping(true);
    }
    while (queue.length && ready) { emit("user_uttered", { message: queue.shift() }); }
  }

  function send(message, shown) {
    if (exiting || !message) { return; }
    remember({ from: "user", text: shown });
    setTyping(true);
    if (ready) { emit("user_uttered", { message: message }); } else { queue.push(message); }
  }

  function switchLanguage(code) {
    if (!TEXT[code]) { return; }
    lang = code;
    save("lang", code);
    applyLanguage();
    var name = LANGS.filter(function (e) { return e[0] === code; })[0][2];
    send('/set_language{"language":"' + code + '"}', name);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = input.value.trim();
    if (!value) { return; }
    input.value = "";
    send(value, value);
  });

  // ---- quick exit --------------------------------------------------------------------------
  function quickExit() {
    if (exiting) { return; }
    exiting = true;
    var id = sessionId;
    try { window.sessionStorage.clear(); } catch (e) { /* unavailable */ }
    memory = {};
    if (id) {
      var url = server + "/webhooks/socketio/erase";
      try {
        if (!(navigator.sendBeacon && navigator.sendBeacon(url, id))) {
          fetch(url, { method: "POST", body: id, keepalive: true, mode: "no-cors", credentials: "omit" });
        }
      } catch (e) { /* leaving matters more than erasing */ }
    }
    try { if (socket) { socket.onclose = null; socket.onmessage = null; socket.close(); } } catch (e) { /* ignore */ }
    root.textContent = "";
    if (standalone) { document.title = ""; }
    document.documentElement.classList.add("dv-exiting");
    var overlay = el("div", "dv-overlay", { role: "alert" });
    document.body.appendChild(overlay);
    overlay.textContent = t("exiting"); // after insertion: screen readers announce it more reliably
    window.location.replace(exitUrl);
  }

  // Shift three times, at most 5 s apart. Shift used to type a capital letter does not count;
  // any other key, or 5 s without a press, resets the count (and says so, as GOV.UK does).
  var PRESS_GAP = 5000, presses = 0, lastPress = 0, shiftAlone = false, resetTimer = null, quietTimer = null;
  function say(key) {
    clearTimeout(quietTimer);
    announce.textContent = key ? t(key) : "";
  }
  function resetPresses() {
    clearTimeout(resetTimer);
    resetTimer = null;
    if (!presses) { return; }
    presses = 0;
    exitButton.removeAttribute("data-presses");
    say("shift_reset");
    quietTimer = setTimeout(function () { announce.textContent = ""; }, PRESS_GAP);
  }
  function keyboardSeen() { exitHint.hidden = false; }
  // A mouse or trackpad, or no touch screen at all: a keyboard is likely. Phones and tablets
  // see the hint once they use a keyboard (Tab or Shift).
  if ((window.matchMedia && window.matchMedia("(hover: hover) and (pointer: fine)").matches) || !navigator.maxTouchPoints) { keyboardSeen(); }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") { if (!event.repeat) { shiftAlone = true; } return; }
    shiftAlone = false;
    if (event.key === "Tab") { keyboardSeen(); }
    if (presses) { resetPresses(); }
  }, true);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftAlone || exiting) { return; }
    shiftAlone = false;
    keyboardSeen();
    var now = Date.now();
    if (now - lastPress > PRESS_GAP) { presses = 0; }
    lastPress = now;
    presses += 1;
    if (presses >= 3) { quickExit(); return; }
    exitButton.setAttribute("data-presses", String(presses));
    say(presses === 1 ? "shift_2" : "shift_1");
    clearTimeout(resetTimer);
    resetTimer = setTimeout(resetPresses, PRESS_GAP);
  }, true);

  // ---- start -------------------------------------------------------------------------------
  applyLanguage();
  messages.forEach(render);
  showAnswer();
  connect();

  window.DVChat = { render: render, exit: quickExit };
})();
