/* Njia public pages: quick exit, place suggestions, "use my location", and pages swapped in
   place so that a visit leaves one entry in the browser's history. No framework, no cookie,
   nothing from another origin. Every page also works without this file. */
(function () {
  "use strict";
  var d = document;
  var previous = []; // bodies of pages left by following a link, for "back" without history

  function quickExit(event) {
    var link = d.querySelector("[data-quick-exit]");
    var target = link ? link.href : "about:blank";
    if (event) { event.preventDefault(); }
    try { d.title = ""; d.body.innerHTML = ""; } catch (ignored) { /* leave anyway */ }
    location.replace(target); // replaces this history entry instead of adding one
  }

  function show(html, keepPrevious) {
    var page = new DOMParser().parseFromString(html, "text/html");
    if (keepPrevious) { previous.push(d.body); }
    d.title = page.title;
    d.documentElement.lang = page.documentElement.lang;
    d.body.replaceWith(page.body);
    window.scrollTo(0, 0);
    var main = d.getElementById("main");
    if (main) { main.focus({ preventScroll: true }); }
  }

  function load(url, options, keepPrevious, fallback) {
    options.cache = "no-store";
    options.credentials = "same-origin";
    options.headers = { "Accept": "text/html" };
    fetch(url, options).then(function (response) { return response.text(); })
      .then(function (html) { show(html, keepPrevious); })
      .catch(fallback);
  }

  function submit(form, submitter) {
    /* The body first: a disabled submitter (a place choice) would be left out of it. */
    var body = new URLSearchParams(submitter ? new FormData(form, submitter) : new FormData(form));
    var button = form.querySelector("[data-busy]");
    if (button) { button.disabled = true; button.textContent = button.getAttribute("data-busy") || button.textContent; }
    load(form.action, { method: "POST", body: body }, false, function () { form.submit(); });
  }

  d.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { quickExit(event); return; }
    var list = d.getElementById("suggestions");
    if (!list || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll("button"));
    var here = items.indexOf(d.activeElement);
    if (event.target.id === "place" && event.key === "ArrowDown" && items.length) {
      items[0].focus(); event.preventDefault();
    } else if (here >= 0) {
      var next = here + (event.key === "ArrowDown" ? 1 : -1);
      (next < 0 ? d.getElementById("place") : items[Math.min(next, items.length - 1)]).focus();
      event.preventDefault();
    }
  });

  d.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("a, button") : null;
    if (!target) { return; }
    if (target.hasAttribute("data-quick-exit")) { quickExit(event); }
    else if (target.hasAttribute("data-back") && previous.length) {
      event.preventDefault();
      d.body.replaceWith(previous.pop());
    } else if (target.hasAttribute("data-swap") && target.href) {
      event.preventDefault();
      load(target.href, { method: "GET" }, true, function () { location.replace(target.href); });
    } else if (target.tagName === "A" && target.origin === location.origin &&
               !(target.hash && target.pathname === location.pathname)) {
      event.preventDefault();
      location.replace(target.href); // other pages of Njia: no new history entry either
    } else if (target.hasAttribute("data-suggestion")) {
      choosePlace(target);
    } else if (target.hasAttribute("data-locate")) {
      locate(target.form);
    }
  });

  d.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-swap") || !window.fetch || !window.URLSearchParams) { return; }
    event.preventDefault();
    submit(form, event.submitter);
  });

  /* Place suggestions: a list of buttons under the field (not a combobox, so Escape stays
     the quick exit). The typed text goes in a POST body, never in a URL. */
  var timer = null;
  d.addEventListener("input", function (event) {
    var field = event.target;
    if (field.id !== "place") { return; }
    var form = field.form;
    form.elements.place_id.value = "";
    form.elements.lat.value = "";
    form.elements.lon.value = "";
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(field); }, 250);
  });

  function suggest(field) {
    var list = d.getElementById("suggestions");
    var text = field.value.trim();
    if (text.length < 2) { list.innerHTML = ""; return; }
    var body = new URLSearchParams({ q: text });
    var token = field.form && field.form.elements.csrf_token;
    if (token) { body.append("csrf_token", token.value); } /* a signed-in form's session */
    fetch(field.getAttribute("data-suggest"), { method: "POST", body: body, cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (field.value.trim() !== text) { return; }
        list.innerHTML = "";
        answer.items.forEach(function (item) {
          var li = d.createElement("li");
          var button = d.createElement("button");
          button.type = "button";
          button.setAttribute("data-suggestion", item.id);
          button.textContent = item.label;
          li.appendChild(button);
          list.appendChild(li);
        });
      })
      .catch(function () { list.innerHTML = ""; });
  }

  function choosePlace(button) {
    var field = d.getElementById("place");
    field.value = button.textContent;
    field.form.elements.place_id.value = button.getAttribute("data-suggestion");
    d.getElementById("suggestions").innerHTML = "";
    field.focus();
  }

  /* "Use my location": rounded to 2 decimals (about 1 km) before it leaves the browser. */
  function locate(form) {
    var status = d.getElementById("locate-status");
    status.textContent = status.getAttribute("data-wait");
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude.toFixed(2);
      form.elements.lon.value = position.coords.longitude.toFixed(2);
      form.elements.place.value = "";
      form.elements.place_id.value = "";
      status.textContent = status.getAttribute("data-found");
      if (form.querySelector("input[name=needs]:checked")) { submit(form, null); }
      else { form.querySelector("input[name=needs]").focus(); }
    }, function () {
      status.textContent = status.getAttribute("data-failed");
    }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 });
  }

  function reveal() {
    if (!navigator.geolocation) { return; }
    Array.prototype.forEach.call(d.querySelectorAll("[data-locate], [data-locate-hint]"),
      function (element) { element.hidden = false; });
  }
  if (d.readyState === "loading") { d.addEventListener("DOMContentLoaded", reveal); } else { reveal(); }
  new MutationObserver(reveal).observe(d.documentElement, { childList: true });
}());
