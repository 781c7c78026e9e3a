-- Drives the language server from a headless Neovim with the shipped configuration
-- (editors/nvim): opens example articles in a temporary copy of examples/, waits for
-- the client to attach and diagnostics to arrive, and checks hover, go to definition
-- into another file, semantic tokens and their highlights, code lenses, :AccordTimeline
-- across files; builds and registers the tree-sitter parser and checks its highlight
-- captures, folds, the shipped queries and reading mode (tag markup concealed, as drawn
-- on the screen); runs :checkhealth accord. Writes what it draws in reading mode and in
-- the timeline's quickfix window to target/nvim-e2e/. Exits non-zero on any failure.
--
-- Run as: ACCORD_BIN=target/debug/accord nvim --headless -u NONE -l tests/nvim/run.lua

local TIMEOUT = 30000
-- Each line as it is checked, also when a hang ends the run.
io.stdout:setvbuf('no')

local script = debug.getinfo(1, 'S').source:sub(2)
local repo = vim.fn.fnamemodify(script, ':p:h:h:h')
local bin = os.getenv('ACCORD_BIN') or (repo .. '/target/debug/accord')

local failures = 0
local function check(condition, message)
  if condition then
    io.stdout:write('ok   ' .. message .. '\n')
  else
    failures = failures + 1
    io.stdout:write('FAIL ' .. message .. '\n')
  end
  return condition
end

--- The contents of a file, or nil.
local function read(path)
  local file = io.open(path, 'rb')
  if not file then
    return nil
  end
  local text = file:read('*a')
  file:close()
  return text
end

--- Sends a request to the accord client of a buffer and returns its result.
local function request(bufnr, method, params)
  local responses = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  for _, response in pairs(responses or {}) do
    if response.error then
      return nil, vim.inspect(response.error)
    end
    return response.result
  end
  return nil, 'no response'
end

--- The position of the first match of `pattern` in a buffer, with columns in the
--- client's position encoding.
local function find(bufnr, pattern, encoding)
  for row, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(pattern, 1, true)
    if col then
      local character = vim.str_utfindex(line, encoding or 'utf-16', col - 1)
      return { line = row - 1, character = character }
    end
  end
  error('not found: ' .. pattern)
end

--- Writes a file.
local function write(path, text)
  local file = assert(io.open(path, 'wb'))
  file:write(text)
  file:close()
end

-- Articles in three files that mention one consortium: dated ones in two files, whose
-- dates interleave across the files, and an undated one, which a timeline lists last.
-- The second file has characters of two and three UTF-8 bytes before the mention, so its
-- column differs between the position encodings.
local CONSORTIUM = 'Harlow Tidal Energy Consortium'
local TIMELINE_FILES = {
  ['timeline-a.article'] = table.concat({
    '-',
    'Tidal Consortium Opens Bids for a Second Array',
    'The [Harlow Tidal Energy Consortium]{org ref=harlow-tidal} opened bids on Monday for a second turbine array, and the '
      .. '[Harlow Tidal Energy Consortium]{org ref=harlow-tidal} said the tender would close in the new year. date2025-11-03',
    '-',
    'Two Turbine Makers Chosen',
    'After reviewing eleven offers, the [Harlow Tidal Energy Consortium]{org ref=harlow-tidal} chose two turbine makers. date2026-01-20',
    '',
  }, '\n'),
  ['timeline-b.article'] = table.concat({
    '-',
    'Grid Link Memorandum Signed',
    'Officials in Göteborg – after long talks – signed a grid link memorandum with the '
      .. '[Harlow Tidal Energy Consortium]{org ref=harlow-tidal} on Monday. date2025-12-08',
    '',
  }, '\n'),
  ['timeline-c.article'] = table.concat({
    '-',
    'Background Note on Tidal Power Funding',
    'Analysts expect the [Harlow Tidal Energy Consortium]{org ref=harlow-tidal} to seek public funding later.',
    '',
  }, '\n'),
}
-- The timeline's rows: date, title, mentions and the file of each article, oldest first.
local TIMELINE_EXPECTED = {
  { '2025-11-03 · Tidal Consortium Opens Bids for a Second Array · 2 mentions', 'timeline-a.article' },
  { '2025-12-08 · Grid Link Memorandum Signed · 1 mention', 'timeline-b.article' },
  { '2026-01-20 · Two Turbine Makers Chosen · 1 mention', 'timeline-a.article' },
  { 'undated · Background Note on Tidal Power Funding · 1 mention', 'timeline-c.article' },
}

--- The screen rows a window draws buffer line `lnum` on (it wraps), joined by `|`.
--- Vim wraps at the line's characters, concealed ones too, so a row may end early.
local function screen_line(win, lnum)
  vim.cmd('redraw!')
  local top = vim.fn.screenpos(win, lnum, 1).row
  local next_line = vim.fn.screenpos(win, lnum + 1, 1).row
  if top == 0 then
    return ''
  end
  local bottom = next_line > top and next_line - 1 or top
  local left = vim.fn.win_screenpos(win)[2]
  local rows = {}
  for row = top, bottom do
    local chars = {}
    for col = left, left + vim.api.nvim_win_get_width(win) - 1 do
      chars[#chars + 1] = vim.fn.screenstring(row, col)
    end
    rows[#rows + 1] = vim.trim(table.concat(chars))
  end
  return table.concat(rows, '|')
end

-- The run writes what it draws in reading mode and in the timeline's quickfix window to
-- target/nvim-e2e/, so that the Neovim README can show real captures of both. The screen
-- of `nvim -l` is 80 columns wide: 'columns' does not resize it.
local CAPTURE_DIR = repo .. '/target/nvim-e2e'

--- Writes the rows a window draws, with trailing blanks trimmed, to a file in
--- CAPTURE_DIR, and returns them. Rows past the end of the buffer (`~`) are left out.
local function capture(win, name)
  vim.cmd('redraw!')
  local top, left = unpack(vim.fn.win_screenpos(win))
  local rows = {}
  for row = top, top + vim.api.nvim_win_get_height(win) - 1 do
    local chars = {}
    for col = left, left + vim.api.nvim_win_get_width(win) - 1 do
      chars[#chars + 1] = vim.fn.screenstring(row, col)
    end
    rows[#rows + 1] = (table.concat(chars):gsub('%s+$', ''))
  end
  while #rows > 0 and (rows[#rows] == '~' or rows[#rows] == '') do
    rows[#rows] = nil
  end
  vim.fn.mkdir(CAPTURE_DIR, 'p')
  write(CAPTURE_DIR .. '/' .. name, table.concat(rows, '\n') .. '\n')
  return rows
end

local function run()
  check(vim.fn.executable(bin) == 1, 'the server binary exists: ' .. bin)

  local workspace = vim.fn.tempname()
  vim.fn.mkdir(workspace, 'p')
  vim.fn.system({ 'cp', '-R', repo .. '/examples/.', workspace })
  check(vim.v.shell_error == 0, 'copied examples to ' .. workspace)
  workspace = vim.uv.fs_realpath(workspace)
  for name, text in pairs(TIMELINE_FILES) do
    write(workspace .. '/' .. name, text)
  end

  vim.opt.runtimepath:prepend(repo .. '/editors/nvim')
  -- `-u NONE` leaves filetype detection off; an editor's own config turns it on.
  vim.cmd('filetype on')
  dofile(repo .. '/editors/nvim/ftdetect/article.lua')
  vim.lsp.config('accord', { cmd = { bin, 'lsp' } })
  vim.lsp.enable('accord')

  -- The plugin as a user's startup would load it, with the parser built into a
  -- temporary folder rather than the user's data folder.
  vim.g.accord = { parser_path = vim.fn.tempname() .. '/parser/article.so' }
  dofile(repo .. '/editors/nvim/plugin/accord.lua')
  check(vim.fn.exists(':AccordBuildParser') == 2, ':AccordBuildParser exists')
  local accord = require('accord')
  local started = vim.uv.hrtime()
  local built, build_error = accord.build_parser()
  check(built, ('built and registered the parser in %.1f s %s'):format(
    (vim.uv.hrtime() - started) / 1e9, tostring(build_error or '')))

  -- The nvim-lspconfig form says what lsp/accord.lua says.
  local lspconfig = accord.lspconfig()
  check(lspconfig.cmd[1] == 'accord' and vim.deep_equal(lspconfig.filetypes, { 'article' })
    and lspconfig.root_dir(workspace .. '/annotated.article') == workspace,
    'the nvim-lspconfig form finds the workspace root')

  -- The shipped queries are the grammar's own, and the ones Neovim uses; the highlights
  -- add a Neovim section after the grammar's that only conceals (reading mode).
  local neovim_section = ''
  for _, query in ipairs({ 'highlights', 'folds' }) do
    local shipped = read(repo .. '/editors/nvim/queries/article/' .. query .. '.scm')
    local grammar = read(repo .. '/grammar/queries/' .. query .. '.scm')
    if query == 'highlights' then
      local starts = shipped ~= nil and grammar ~= nil and shipped:sub(1, #grammar) == grammar
      neovim_section = starts and shipped:sub(#grammar + 1) or ''
      local others = {}
      for name in neovim_section:gmatch('@([%w%._]+)') do
        if name ~= 'conceal' then
          others[#others + 1] = name
        end
      end
      check(starts and neovim_section:find('@conceal', 1, true) ~= nil and #others == 0,
        'editors/nvim/queries/article/highlights.scm is grammar/queries/highlights.scm and a section of conceal captures'
          .. (#others > 0 and (': also ' .. table.concat(others, ' ')) or ''))
    else
      check(shipped ~= nil and shipped == grammar,
        'editors/nvim/queries/article/' .. query .. '.scm equals grammar/queries/' .. query .. '.scm')
    end
    local files = vim.treesitter.query.get_files('article', query)
    check(files[1] == repo .. '/editors/nvim/queries/article/' .. query .. '.scm',
      query .. ' query found on the runtime path')
  end
  local grammar_captures = {}
  for name in read(repo .. '/grammar/queries/highlights.scm'):gmatch('@([%w%._]+)') do
    grammar_captures[name] = true
  end
  local shipped_captures = vim.deepcopy(grammar_captures)
  shipped_captures.conceal = true
  local parsed, highlights = pcall(vim.treesitter.query.get, 'article', 'highlights')
  check(parsed and highlights ~= nil, 'the highlights query parses in this Neovim')
  if parsed and highlights then
    local loaded = {}
    for _, name in ipairs(highlights.captures) do
      loaded[name] = true
    end
    check(vim.deep_equal(loaded, shipped_captures), 'the highlight captures are the grammar query\'s and conceal: '
      .. table.concat(vim.tbl_keys(loaded), ' '))
    -- Each capture is drawn by the default colour scheme: `@a.b` falls back to `@a`.
    -- Conceal captures hide text instead of colouring it.
    local undrawn = {}
    for name in pairs(loaded) do
      local group = name ~= 'conceal' and name or nil
      while group and vim.tbl_isempty(vim.api.nvim_get_hl(0, { name = '@' .. group, link = true })) do
        group = group:match('^(.*)%.[^.]*$')
      end
      if name ~= 'conceal' and not group then
        undrawn[#undrawn + 1] = name
      end
    end
    check(#undrawn == 0, 'every capture has a highlight group'
      .. (#undrawn > 0 and (': missing ' .. table.concat(undrawn, ' ')) or ''))
  end

  -- A misspelt type: the server reports it.
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/broken/unknown-type.article'))
  local broken = vim.api.nvim_get_current_buf()
  check(vim.bo[broken].filetype == 'article', 'filetype article for *.article')
  local attached = vim.wait(TIMEOUT, function()
    return #vim.lsp.get_clients({ bufnr = broken, name = 'accord' }) > 0
  end, 50)
  if not check(attached, 'client attached') then
    return
  end
  local client = vim.lsp.get_clients({ bufnr = broken, name = 'accord' })[1]
  check(client.offset_encoding == 'utf-16' or client.offset_encoding == 'utf-8',
    'negotiated position encoding ' .. tostring(client.offset_encoding))

  local got_diagnostics = vim.wait(TIMEOUT, function()
    return #vim.diagnostic.get(broken) > 0
  end, 50)
  check(got_diagnostics, 'diagnostics arrived')
  local unknown
  for _, diagnostic in ipairs(vim.diagnostic.get(broken)) do
    if diagnostic.code == 'unknown-type' then
      unknown = diagnostic
    end
  end
  local expected = find(broken, 'plcae')
  check(unknown ~= nil and unknown.lnum == expected.line,
    'unknown-type on the line of the misspelt type')
  if unknown then
    -- vim.diagnostic columns are byte columns in the buffer.
    local line = vim.api.nvim_buf_get_lines(broken, unknown.lnum, unknown.lnum + 1, false)[1]
    check(line:sub(unknown.col + 1, unknown.end_col) == 'plcae',
      'unknown-type covers exactly the type name')
  end

  -- Annotated articles: hover, definition into another file, semantic tokens.
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/annotated.article'))
  local annotated = vim.api.nvim_get_current_buf()
  vim.wait(TIMEOUT, function()
    return #vim.lsp.get_clients({ bufnr = annotated, name = 'accord' }) > 0
  end, 50)
  local uri = vim.uri_from_bufnr(annotated)

  -- Tree-sitter: the highlighter runs and its captures come from the grammar's query.
  check(vim.treesitter.highlighter.active[annotated] ~= nil, 'tree-sitter highlighting is on')
  -- Neovim may parse in the background: parse now, and give captures time to appear.
  vim.treesitter.get_parser(annotated, 'article'):parse(true)
  local function captures_at(pattern, offset)
    local at = find(annotated, pattern, 'utf-8')
    local names = {}
    vim.wait(TIMEOUT, function()
      names = {}
      for _, capture in ipairs(vim.treesitter.get_captures_at_pos(annotated, at.line, at.character + (offset or 0))) do
        if capture.lang == 'article' then
          names[#names + 1] = capture.capture
        end
      end
      return #names > 0
    end, 50)
    return names
  end
  for _, case in ipairs({
    { 'Agree to Convene', 'markup.heading', 'the title' },
    { '{place ref=south-korea}', 'type', 'a tag type', 1 },
    { 'ref=south-korea}', 'property', 'an attribute name' },
    { '{org ref=motir}', 'punctuation.bracket', 'a tag brace' },
    { 'date2026-03-05', 'keyword', 'the date keyword' },
    { 'date2026-03-05', 'string.special', 'the date value', 4 },
  }) do
    local names = captures_at(case[1], case[4])
    check(vim.tbl_contains(names, case[2]) and grammar_captures[case[2]],
      ('@%s on %s (captures: %s)'):format(case[2], case[3], table.concat(names, ' ')))
  end
  vim.wait(TIMEOUT, function()
    return vim.fn.foldlevel(1) >= 1
  end, 50)
  check(vim.wo.foldmethod == 'expr' and vim.fn.foldlevel(1) >= 1,
    'tree-sitter folds: level ' .. vim.fn.foldlevel(1) .. ' on the first article')

  -- Reading mode: the query conceals the markup of a tag and not its span, the window
  -- conceals it except on the cursor line, and :AccordReadingMode toggles.
  local win = vim.api.nvim_get_current_win()
  check(vim.wo[win].conceallevel == 2 and vim.wo[win].concealcursor == '',
    ('reading mode on in the article window: conceallevel %d, concealcursor "%s"'):format(
      vim.wo[win].conceallevel, vim.wo[win].concealcursor))
  local korea_tag = '[Korea]{place ref=south-korea}'
  local tag_at = find(annotated, korea_tag, 'utf-8')
  local function concealed_at(offset)
    for _, capture in ipairs(vim.treesitter.get_captures_at_pos(annotated, tag_at.line, tag_at.character + offset)) do
      local metadata = capture.metadata or {}
      local conceal = metadata.conceal or (metadata[capture.id] or {}).conceal
      if capture.capture == 'conceal' and conceal == '' then
        return true
      end
    end
    return false
  end
  -- Each character of the tag: the span `Korea` (offsets 1 to 5) must show, the rest hide.
  -- Blanks are concealed through the attribute's widened range, which captures at a
  -- position do not report, so they are left out here and checked as drawn below.
  local wrong = {}
  for offset = 0, #korea_tag - 1 do
    local char = korea_tag:sub(offset + 1, offset + 1)
    local in_span = offset >= 1 and offset <= 5
    if char ~= ' ' and concealed_at(offset) == in_span then
      wrong[#wrong + 1] = ('%s at %d'):format(char, offset)
    end
  end
  check(#wrong == 0, ('conceal captures cover the markup of %s and not its span%s'):format(
    korea_tag, #wrong > 0 and (': wrong for ' .. table.concat(wrong, ', ')) or ''))

  -- As drawn: the title line reads as prose while the cursor is elsewhere, and shows its
  -- tags while the cursor is on it.
  local title_prose = 'Korea and U.S. Agree to'
  local function prose(drawn)
    return drawn:find(title_prose, 1, true) ~= nil and not drawn:find('[%[%]{}]')
  end
  vim.api.nvim_win_set_cursor(win, { 2, 0 })
  vim.fn.winrestview({ topline = 1 })
  local drawn = screen_line(win, 1)
  check(prose(drawn), 'reading mode draws the title as prose: "' .. drawn .. '"')
  vim.api.nvim_win_set_cursor(win, { 1, 0 })
  drawn = screen_line(win, 1)
  check(drawn:find(korea_tag, 1, true) ~= nil, 'the cursor line shows its tags: "' .. drawn:sub(1, 60) .. '"')
  vim.api.nvim_win_set_cursor(win, { 2, 0 })
  vim.cmd('silent AccordReadingMode')
  drawn = screen_line(win, 1)
  check(vim.wo[win].conceallevel == 0 and drawn:find(korea_tag, 1, true) ~= nil,
    ':AccordReadingMode turns it off: "' .. drawn:sub(1, 60) .. '"')
  vim.cmd('silent AccordReadingMode on')
  drawn = screen_line(win, 1)
  check(vim.wo[win].conceallevel == 2 and prose(drawn), ':AccordReadingMode on turns it on again')
  -- The capture: the title line under the cursor shows its tags, the body below reads
  -- as prose.
  vim.api.nvim_win_set_cursor(win, { 1, 0 })
  vim.fn.winrestview({ topline = 1 })
  local reading = table.concat(capture(win, 'reading-mode.txt'), '\n')
  local body = reading:match('\nThe Ministry of Trade[^\n]*') or ''
  check(vim.startswith(reading, korea_tag) and body ~= '' and not body:find('[%[%]{}]'),
    'wrote what reading mode draws to ' .. CAPTURE_DIR .. '/reading-mode.txt')
  vim.api.nvim_win_set_cursor(win, { 2, 0 })

  local on_person = find(annotated, 'Kim Jung-kwan]', client.offset_encoding)
  local params = { textDocument = { uri = uri }, position = on_person }

  local hover, hover_error = request(annotated, 'textDocument/hover', params)
  check(hover ~= nil and hover.contents ~= nil, 'hover answers ' .. tostring(hover_error or ''))
  if hover then
    local text = type(hover.contents) == 'table' and (hover.contents.value or '') or tostring(hover.contents)
    check(text:find('Kim Jung', 1, true) ~= nil, 'hover names the person')
  end

  -- Indexing runs in the background: wait until the definition is found elsewhere.
  local other_file
  vim.wait(TIMEOUT, function()
    local result = request(annotated, 'textDocument/definition', params)
    for _, location in ipairs(result or {}) do
      local target = location.uri or location.targetUri
      if target and target ~= uri then
        other_file = target
        return true
      end
    end
    return false
  end, 200)
  check(other_file ~= nil, 'definition leads into another file: ' .. tostring(other_file))
  if other_file then
    -- Jump there as a user would: the target opens in a buffer.
    local result = request(annotated, 'textDocument/definition', params)
    vim.lsp.util.show_document(result[1], client.offset_encoding, { focus = true })
    check(vim.uri_from_bufnr(vim.api.nvim_get_current_buf()) == (result[1].uri or result[1].targetUri),
      'jumped to the definition')
  end

  local tokens, tokens_error = request(annotated, 'textDocument/semanticTokens/full',
    { textDocument = { uri = uri } })
  check(tokens ~= nil and tokens.data ~= nil and #tokens.data > 0 and #tokens.data % 5 == 0,
    'semantic tokens: ' .. (tokens and tokens.data and (#tokens.data / 5) .. ' tokens' or tostring(tokens_error)))
  local legend = client.server_capabilities.semanticTokensProvider.legend
  local types = {}
  if tokens and tokens.data then
    for i = 4, #tokens.data, 5 do
      types[legend.tokenTypes[tokens.data[i] + 1]] = true
    end
  end
  check(types.person and types.place, 'tokens include people and places')

  -- The client turns the tokens into highlights on the entity's text.
  local person_at = find(annotated, 'Kim Jung-kwan]', 'utf-8')
  local groups = {}
  vim.wait(TIMEOUT, function()
    groups = {}
    for _, token in ipairs(vim.inspect_pos(annotated, person_at.line, person_at.character).semantic_tokens) do
      groups[#groups + 1] = token.opts.hl_group
    end
    return vim.tbl_contains(groups, '@lsp.type.person.article')
  end, 100)
  check(vim.tbl_contains(groups, '@lsp.type.person.article'),
    'semantic highlight on a person: ' .. table.concat(groups, ' '))

  -- Tag markup carries the server's tagSyntax modifier, which links to a dim group.
  local brace_at = find(annotated, ']{person ref=kim-jung-kwan}', 'utf-8')
  local markup_groups = {}
  vim.wait(TIMEOUT, function()
    markup_groups = {}
    for _, token in ipairs(vim.inspect_pos(annotated, brace_at.line, brace_at.character + 3).semantic_tokens) do
      markup_groups[#markup_groups + 1] = token.opts.hl_group
    end
    return vim.tbl_contains(markup_groups, '@lsp.mod.tagSyntax.article')
  end, 100)
  local link = vim.api.nvim_get_hl(0, { name = '@lsp.mod.tagSyntax', link = true }).link
  check(vim.tbl_contains(markup_groups, '@lsp.mod.tagSyntax.article') and link == 'Comment',
    ('tag markup is a tagSyntax token dimmed as %s: %s'):format(tostring(link), table.concat(markup_groups, ' ')))
  local person_groups = table.concat(groups, ' ')
  check(not person_groups:find('tagSyntax', 1, true), 'the span of a tag is not markup: ' .. person_groups)

  -- Code lenses are resolved on demand and run through the shipped client-side command,
  -- which asks the server for the mentions.
  local lenses = request(annotated, 'textDocument/codeLens', { textDocument = { uri = uri } }) or {}
  local lens = lenses[1] and request(annotated, 'codeLens/resolve', lenses[1])
  local title = lens and lens.command and lens.command.title or ''
  local count = tonumber(title:match('(%d+) mentions?'))
  if check(count ~= nil, 'a resolved code lens counts mentions: "' .. title .. '" of ' .. #lenses .. ' lenses') then
    local handler = client.config.commands['accord.showReferences']
    vim.fn.setqflist({}, ' ', { items = {} })
    handler(lens.command, { client_id = client.id, bufnr = annotated })
    -- The command asks the server for the mentions; the answer fills the list.
    vim.wait(TIMEOUT, function()
      return #vim.fn.getqflist() > 0
    end, 20)
    -- The list also holds the knowledge-base entry when the workspace defines it.
    local listed = #vim.fn.getqflist()
    check(listed == count or listed == count + 1,
      'the lens lists its mentions: ' .. listed .. ' for "' .. title .. '"')
  end

  -- codeLens.enabled false in the settings (the form the README gives): the server then
  -- offers no lenses, and they come back when it is true again.
  -- The client of this workspace (broken/ has an accord.toml of its own, and so a client
  -- of its own).
  local workspace_client = vim.lsp.get_clients({ bufnr = annotated, name = 'accord' })[1]
  local function lens_setting(enabled)
    workspace_client.settings = vim.tbl_deep_extend('force', workspace_client.settings or {},
      { accord = { codeLens = { enabled = enabled } } })
    workspace_client:notify('workspace/didChangeConfiguration', { settings = workspace_client.settings })
    return vim.wait(TIMEOUT, function()
      local found = request(annotated, 'textDocument/codeLens', { textDocument = { uri = uri } })
      return type(found) == 'table' and ((#found > 0) == enabled)
    end, 100)
  end
  check(lens_setting(false), 'codeLens.enabled false: no code lenses')
  check(lens_setting(true), 'codeLens.enabled true: code lenses again')

  -- :AccordTimeline: the articles that mention the consortium, oldest first across the
  -- files, in the quickfix list, each at its first mention.
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/timeline-b.article'))
  local grid = vim.api.nvim_get_current_buf()
  vim.wait(TIMEOUT, function()
    return #vim.lsp.get_clients({ bufnr = grid, name = 'accord' }) > 0
  end, 50)
  local mention = find(grid, CONSORTIUM, 'utf-8')
  vim.api.nvim_win_set_cursor(0, { mention.line + 1, mention.character + 3 })
  local timeline_params = vim.lsp.util.make_position_params(0, workspace_client.offset_encoding)
  -- Indexing runs in the background: wait until every file is in the answer.
  local answered
  vim.wait(TIMEOUT, function()
    answered = request(grid, 'accord/entityTimeline', timeline_params)
    return type(answered) == 'table' and #answered >= #TIMELINE_EXPECTED
  end, 200)
  check(type(answered) == 'table' and #answered == #TIMELINE_EXPECTED,
    'accord/entityTimeline answers one entry per article: ' .. (type(answered) == 'table' and #answered or 'nothing'))
  -- From the workspace folder, as a user there would run it: the quickfix window names
  -- the files relative to it, which keeps the capture below free of temporary paths.
  local cwd = vim.fn.getcwd()
  vim.cmd.cd(vim.fn.fnameescape(workspace))
  vim.fn.setqflist({}, ' ', { title = 'before the timeline', items = {} })
  vim.cmd('AccordTimeline')
  vim.wait(TIMEOUT, function()
    return vim.fn.getqflist({ title = 1 }).title ~= 'before the timeline'
  end, 20)
  local list = vim.fn.getqflist({ title = 1, items = 1 })
  check(list.title == 'accord timeline: ' .. CONSORTIUM, 'the timeline is titled by the entity: ' .. list.title)
  local rows = {}
  for _, item in ipairs(list.items) do
    rows[#rows + 1] = { item.text, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(item.bufnr), ':t') }
  end
  check(vim.deep_equal(rows, TIMELINE_EXPECTED), 'the timeline lists the articles oldest first across files:\n    '
    .. table.concat(vim.tbl_map(function(row) return row[2] .. ': ' .. row[1] end, rows), '\n    '))
  local misplaced = {}
  for _, item in ipairs(list.items) do
    vim.fn.bufload(item.bufnr)
    local line = vim.api.nvim_buf_get_lines(item.bufnr, item.lnum - 1, item.lnum, false)[1] or ''
    if line:sub(item.col, item.col + #CONSORTIUM - 1) ~= CONSORTIUM then
      misplaced[#misplaced + 1] = ('%s:%d:%d'):format(vim.api.nvim_buf_get_name(item.bufnr), item.lnum, item.col)
    end
  end
  check(#list.items > 0 and #misplaced == 0,
    'each timeline row is at the first mention in its article' .. (#misplaced > 0 and (': not ' .. table.concat(misplaced, ', ')) or ''))
  check(vim.bo[vim.api.nvim_get_current_buf()].buftype == 'quickfix', ':AccordTimeline opens the quickfix window')
  local captured_files = {}
  for _, row in ipairs(capture(vim.api.nvim_get_current_win(), 'timeline.txt')) do
    captured_files[#captured_files + 1] = row:match('^(timeline%-%a%.article)|')
  end
  vim.cmd.cd(vim.fn.fnameescape(cwd))
  check(vim.deep_equal(captured_files, vim.tbl_map(function(row) return row[2] end, TIMELINE_EXPECTED)),
    'wrote what the timeline\'s quickfix window draws to ' .. CAPTURE_DIR .. '/timeline.txt')
  -- The same answer in UTF-16 columns lands on the same places: the items convert with the
  -- encoding they are given (the second file has wider characters before its mention).
  if type(answered) == 'table' and #answered > 0 then
    local encoding = workspace_client.offset_encoding
    local utf16 = vim.deepcopy(answered)
    local differs = false
    for _, entry in ipairs(utf16) do
      local entry_buf = vim.uri_to_bufnr(entry.uri)
      vim.fn.bufload(entry_buf)
      local line = vim.api.nvim_buf_get_lines(entry_buf, entry.range.start.line, entry.range.start.line + 1, false)[1]
      for _, side in ipairs({ 'start', 'end' }) do
        local byte = vim.str_byteindex(line, encoding, entry.range[side].character, false)
        local character = vim.str_utfindex(line, 'utf-16', byte, false)
        differs = differs or character ~= entry.range[side].character
        entry.range[side].character = character
      end
    end
    local places = function(items)
      return vim.tbl_map(function(item)
        return { item.bufnr, item.lnum, item.col }
      end, items)
    end
    local timeline = require('accord.timeline')
    check((differs or encoding == 'utf-16')
      and vim.deep_equal(places(timeline.items(utf16, 'utf-16')), places(timeline.items(answered, encoding))),
      'timeline items convert UTF-16 columns to the same places as ' .. encoding)
  end

  -- A word that is no entity: a notification, and the list stays.
  vim.fn.win_gotoid(vim.fn.bufwinid(grid))
  local plain = find(grid, 'memorandum', 'utf-8')
  vim.api.nvim_win_set_cursor(0, { plain.line + 1, plain.character })
  local notified
  local notify = vim.notify
  vim.notify = function(message, level)
    notified = { message = message, level = level }
  end
  vim.cmd('AccordTimeline')
  vim.wait(TIMEOUT, function()
    return notified ~= nil
  end, 20)
  vim.notify = notify
  check(notified ~= nil and notified.message:find('no entity', 1, true) ~= nil
    and vim.fn.getqflist({ title = 1 }).title == list.title,
    ':AccordTimeline on no entity notifies: ' .. (notified and notified.message or 'nothing'))

  -- The quick fix that adds a tagged key to the knowledge base, in a workspace without
  -- accord.toml: its edit creates accord.toml and kb/entities.toml, unsaved, and the
  -- plugin attaches the client to both so the server gets their text. An unrelated TOML
  -- file of the workspace gets no client.
  local fresh = vim.fn.tempname()
  vim.fn.mkdir(fresh .. '/.git', 'p')
  fresh = vim.uv.fs_realpath(fresh)
  write(fresh .. '/Cargo.toml', '[package]\nname = "foundry-notes"\nversion = "0.1.0"\n')
  write(fresh .. '/foundry.article', table.concat({
    '-',
    'Foundry Talks Resume in Lisbon',
    'Negotiators met on Tuesday to revise the [Chip Pact]{agreement ref=chip-pact} before it is signed in spring. date2026-02-10',
    '',
  }, '\n'))
  vim.cmd.edit(vim.fn.fnameescape(fresh .. '/foundry.article'))
  local foundry = vim.api.nvim_get_current_buf()
  vim.wait(TIMEOUT, function()
    return #vim.lsp.get_clients({ bufnr = foundry, name = 'accord' }) > 0
  end, 50)
  local fresh_client = vim.lsp.get_clients({ bufnr = foundry, name = 'accord' })[1]
  local function unknown_refs()
    return vim.tbl_filter(function(diagnostic)
      return diagnostic.code == 'unknown-ref'
    end, vim.diagnostic.get(foundry))
  end
  vim.wait(TIMEOUT, function()
    return #unknown_refs() > 0
  end, 50)
  check(fresh_client ~= nil and #unknown_refs() == 1, 'unknown-ref on a key no knowledge base defines')
  if fresh_client then
    local at = find(foundry, 'chip-pact}', fresh_client.offset_encoding)
    local actions = request(foundry, 'textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(foundry) },
      range = { start = at, ['end'] = at },
      context = { diagnostics = vim.tbl_map(function(diagnostic)
        return diagnostic.user_data.lsp
      end, unknown_refs()) },
    }) or {}
    local add
    for _, action in ipairs(actions) do
      if action.title == 'Add `chip-pact` to the knowledge base' then
        add = action
      end
    end
    if add and not add.edit then
      add = request(foundry, 'codeAction/resolve', add)
    end
    if check(add ~= nil and add.edit ~= nil, 'the code action adds `chip-pact` to the knowledge base') then
      vim.lsp.util.apply_workspace_edit(add.edit, fresh_client.offset_encoding)
      local config_buf = vim.fn.bufnr(fresh .. '/accord.toml')
      local kb_buf = vim.fn.bufnr(fresh .. '/kb/entities.toml')
      -- The plugin attaches from a scheduled callback.
      local both = vim.wait(TIMEOUT, function()
        return config_buf > 0 and kb_buf > 0
          and vim.lsp.get_clients({ bufnr = config_buf, id = fresh_client.id })[1] ~= nil
          and vim.lsp.get_clients({ bufnr = kb_buf, id = fresh_client.id })[1] ~= nil
      end, 20)
      check(both and vim.fn.filereadable(fresh .. '/accord.toml') == 0,
        'the client is attached to the new, unsaved accord.toml and kb/entities.toml')
      -- Unsaved, the entry applies: the server reloads and asks for the article's
      -- diagnostics again.
      local cleared = vim.wait(TIMEOUT, function()
        for _, d in ipairs(vim.diagnostic.get(foundry)) do
          if d.code == 'unknown-ref' then
            return false
          end
        end
        return true
      end, 50)
      check(cleared, 'the unsaved knowledge-base entry clears unknown-ref in the article')
    end
    vim.cmd.edit(vim.fn.fnameescape(fresh .. '/Cargo.toml'))
    local cargo = vim.api.nvim_get_current_buf()
    -- The plugin attaches from a scheduled callback: let it run.
    vim.wait(200)
    check(vim.bo[cargo].filetype == 'toml' and #vim.lsp.get_clients({ bufnr = cargo, name = 'accord' }) == 0,
      'no accord client on Cargo.toml')
  end

  -- :checkhealth accord, with the client running and the parser built.
  vim.cmd('checkhealth accord')
  -- The health check announces itself on standard output without a line end.
  io.stdout:write('\n')
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check(not report:find('ERROR', 1, true) and not report:find('WARNING', 1, true),
    ':checkhealth accord reports no error or warning')
  for _, expected in ipairs({ 'found: accord ', 'parser `article` loaded', 'highlights query:',
    'folds query:', 'position encoding: ', 'attached to' }) do
    local line = ''
    for candidate in report:gmatch('[^\n]+') do
      if candidate:find(expected, 1, true) then
        line = candidate
      end
    end
    check(line:find('OK', 1, true) ~= nil, ':checkhealth accord: ' .. vim.trim(line))
  end
end

local ok, err = pcall(run)
if not ok then
  failures = failures + 1
  io.stdout:write('FAIL ' .. tostring(err) .. '\n')
end
for _, client in ipairs(vim.lsp.get_clients({ name = 'accord' })) do
  client:stop()
end
vim.wait(2000, function()
  return #vim.lsp.get_clients({ name = 'accord' }) == 0
end, 50)
io.stdout:write(failures == 0 and 'all checks passed\n' or (failures .. ' checks failed\n'))
os.exit(failures == 0 and 0 or 1)
