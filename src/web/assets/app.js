// Small enhancements for Pigeon's pages. Every page also works without this script. It adds copy
// buttons, confirmations, fields that appear when they apply, the browser's timezone on setup and
// the composer's live character counter.
(() => {
  'use strict'

  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''

  for (const button of document.querySelectorAll('[data-copy-target]')) {
    button.addEventListener('click', async () => {
      const targetId = button.getAttribute('data-copy-target')
      const input = document.getElementById(targetId)
      const status = document.querySelector(`[data-copy-status="${targetId}"]`)
      if (!input) return
      try {
        await navigator.clipboard.writeText(input.value)
        if (status) status.textContent = 'Copied to the clipboard.'
      } catch {
        input.select()
        if (status) status.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.'
      }
    })
  }

  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault()
    })
  }

  // data-show-when="name=value" shows the element only while the form control `name` has `value`;
  // "name=one|two" accepts either value. A checked radio button that gets hidden passes its
  // choice to the first visible button of its group, which may show or hide more elements.
  for (const form of new Set([...document.querySelectorAll('[data-show-when]')].map((element) => element.closest('form')))) {
    if (!form) continue
    const conditional = [...form.querySelectorAll('[data-show-when]')]
    const update = () => {
      for (let pass = 0; pass < 3; pass++) {
        for (const element of conditional) {
          const [name, values] = element.getAttribute('data-show-when').split('=')
          const control = form.elements.namedItem(name)
          if (control) element.hidden = !values.split('|').includes(control.value)
        }
        const orphan = [...form.querySelectorAll('input[type="radio"]:checked')].find((radio) => radio.closest('[hidden]'))
        if (!orphan) return
        const visible = [...form.querySelectorAll('input[type="radio"]')].find((radio) => radio.name === orphan.name && !radio.closest('[hidden]'))
        if (visible) visible.checked = true
        else orphan.checked = false
      }
    }
    form.addEventListener('change', update)
    update()
  }

  for (const input of document.querySelectorAll('input[data-detect-timezone]')) {
    const detected = Intl.DateTimeFormat().resolvedOptions().timeZone
    if (detected && input.value === 'UTC' && !input.hasAttribute('aria-invalid')) input.value = detected
  }

  // Empty media rows past the first wait behind a button, so the composer stays short.
  const extraRows = [...document.querySelectorAll('[data-extra-media]')]
  if (extraRows.length > 0) {
    for (const row of extraRows) row.hidden = true
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'button-secondary add-media'
    button.textContent = 'Add another media item'
    button.addEventListener('click', () => {
      const next = extraRows.find((row) => row.hidden)
      if (next) {
        next.hidden = false
        next.querySelector('select, input')?.focus()
      }
      if (!extraRows.some((row) => row.hidden)) button.remove()
    })
    extraRows.at(-1).after(button)
  }

  const composer = document.querySelector('form[data-composer]')
  if (composer) setUpCounter(composer)

  function setUpCounter(form) {
    const textarea = form.querySelector('[data-count-text]')
    const output = form.querySelector('[data-count-output]')
    if (!textarea || !output) return
    let timer = null
    let sequence = 0

    const selectedChannels = () =>
      [...form.querySelectorAll('[data-count-channel]')].filter((input) => input.hasAttribute('data-count-fixed') || input.checked).map((input) => input.value)

    const render = (counts) => {
      output.replaceChildren()
      if (counts.length === 0) {
        const hint = document.createElement('p')
        hint.className = 'meta'
        hint.textContent = 'Choose a channel to see how long the text is for its network.'
        output.append(hint)
        return
      }
      const list = document.createElement('ul')
      for (const count of counts) {
        const item = document.createElement('li')
        item.textContent = `${count.channelName} (${count.serviceName}): ${count.length} / ${count.limit} ${count.unitLabel}`
        if (count.over) {
          item.className = 'count-over'
          const strong = document.createElement('strong')
          strong.textContent = `too long by ${count.length - count.limit}`
          item.append(' — ', strong)
        }
        list.append(item)
      }
      output.append(list)
    }

    const refresh = async () => {
      const current = ++sequence
      try {
        const response = await fetch('/app/compose/count', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
          body: JSON.stringify({ text: textarea.value, channelIds: selectedChannels() }),
          credentials: 'same-origin',
        })
        if (!response.ok || current !== sequence) return
        render((await response.json()).counts)
      } catch {
        // The counter is a convenience; the server checks lengths again when the post is saved.
      }
    }
    const schedule = () => {
      clearTimeout(timer)
      timer = setTimeout(refresh, 200)
    }

    textarea.addEventListener('input', schedule)
    form.addEventListener('change', (event) => {
      if (event.target.matches('[data-count-channel]')) schedule()
    })
  }
})()
