/* Passkeys in the patient portal (ADR 0952). Written by us; no framework, no build step, no
   CDN (the policy is script-src 'self').

   Two forms use it: "Sign in with a passkey" on the sign-in page and "Add a passkey" on the
   password and passkeys page. Each asks the portal for the ceremony's options (JSON, binary
   fields as base64url), turns them into ArrayBuffers, calls navigator.credentials.get or
   .create, turns the answer back into base64url JSON and posts it. The portal answers
   {"redirect": url} or {"error": text}; every failure (a cancelled or timed-out prompt, a
   refused answer, a lost session, too many tries) is said in the form's alert, in words.
   Where the browser has no passkeys the forms stay hidden and the page's other ways remain. */
(function () {
  "use strict";

  var supported = typeof window.PublicKeyCredential === "function" && navigator.credentials &&
    typeof navigator.credentials.create === "function" && typeof navigator.credentials.get === "function";

  function Problem(message) { this.message = message; }

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBuffers(list) {
    return (list || []).map(function (item) {
      var copy = Object.assign({}, item);
      copy.id = toBuffer(item.id);
      return copy;
    });
  }

  function creationOptions(options) {
    options.challenge = toBuffer(options.challenge);
    options.user.id = toBuffer(options.user.id);
    options.excludeCredentials = withBuffers(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBuffer(options.challenge);
    options.allowCredentials = withBuffers(options.allowCredentials);
    return options;
  }

  function extensions(credential) {
    return typeof credential.getClientExtensionResults === "function" ? credential.getClientExtensionResults() : {};
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        attestationObject: toBase64url(response.attestationObject),
        transports: typeof response.getTransports === "function" ? response.getTransports() : []
      },
      clientExtensionResults: extensions(credential),
      authenticatorAttachment: credential.authenticatorAttachment || undefined
    };
  }

  function authenticationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        authenticatorData: toBase64url(response.authenticatorData),
        signature: toBase64url(response.signature),
        userHandle: response.userHandle ? toBase64url(response.userHandle) : null
      },
      clientExtensionResults: extensions(credential),
      authenticatorAttachment: credential.authenticatorAttachment || undefined
    };
  }

  function post(url, form, body) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    return fetch(url, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json", "Content-Type": "application/json",
                 "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(body || {})
    }).then(function (answer) {
      if (answer.type === "opaqueredirect" || answer.status === 0) {
        throw new Problem("Your portal session has ended. Sign in again, then add the passkey.");
      }
      if (answer.status === 429) {
        throw new Problem("Too many tries from here. Wait a minute, then try again.");
      }
      return answer.json().catch(function () {
        throw new Problem("The portal could not answer just now. Try again in a moment.");
      }).then(function (data) {
        if (!answer.ok) { throw new Problem(data.error || "That did not work. Try again."); }
        return data;
      });
    }, function () {
      throw new Problem("The portal could not be reached. Check your connection and try again.");
    });
  }

  function said(error) {
    if (error instanceof Problem) { return error.message; }
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "AbortError") {
      return "The passkey request was cancelled or timed out. Try again when you are ready.";
    }
    if (name === "InvalidStateError") {
      return "This device already holds a passkey for your account: there is no need to add another.";
    }
    if (name === "SecurityError") {
      return "This browser refused passkeys for this address. Use a sign-in link or your password.";
    }
    return "Your browser could not use a passkey here. Use a sign-in link or your password instead.";
  }

  function wire(section, begin) {
    var form = section.querySelector("form");
    var button = form.querySelector("button[type=submit]");
    var alert = section.querySelector("[role=alert]");
    section.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      alert.textContent = "";
      alert.classList.remove("alert");
      button.disabled = true;
      begin(form)
        .then(function (data) { window.location.assign(data.redirect); })
        .catch(function (error) {
          alert.textContent = said(error);
          alert.classList.add("alert");
          button.disabled = false;
        });
    });
  }

  if (!supported) { return; }
  var unsupported = document.getElementById("passkey-unsupported");
  if (unsupported) { unsupported.hidden = true; }

  var signIn = document.getElementById("passkey-sign-in-section");
  if (signIn) {
    wire(signIn, function (form) {
      return post(signIn.dataset.optionsUrl, form)
        .then(function (options) { return navigator.credentials.get({ publicKey: requestOptions(options) }); })
        .then(function (credential) {
          return post(signIn.dataset.finishUrl, form, { credential: authenticationJSON(credential) });
        });
    });
  }

  var add = document.getElementById("passkey-add-section");
  if (add) {
    wire(add, function (form) {
      var name = form.querySelector("input[name=name]").value;
      return post(add.dataset.optionsUrl, form, { name: name })
        .then(function (options) { return navigator.credentials.create({ publicKey: creationOptions(options) }); })
        .then(function (credential) {
          return post(add.dataset.finishUrl, form, { name: name, credential: registrationJSON(credential) });
        });
    });
  }
}());
