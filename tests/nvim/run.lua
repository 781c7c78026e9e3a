-- Drives the language server from a headless Neovim with the shipped configuration
-- (editors/nvim): opens example articles in a temporary copy of examples/, waits for
-- the client to attach and diagnostics to arrive, and checks hover, go to definition
-- into another file, semantic tokens and their highlights, code lenses; builds and
-- registers the tree-sitter parser and checks its highlight captures, folds and the
-- shipped queries; runs :checkhealth accord. Exits non-zero on any failure.
--
-- Run as: ACCORD_BIN=target/debug/accord nvim --headless -u NONE -l tests/nvim/run.lua

local TIMEOUT = 30000

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

local function run()
  check(vim.fn.executable(bin) == 1, 'the server binary exists: ' .. bin)

  local workspace = vim.fn.tempname()
  vim.fn.mkdir(workspace, 'p')
  vim.fn.system({ 'cp', '-R', repo .. '/examples/.', workspace })
  check(vim.v.shell_error == 0, 'copied examples to ' .. workspace)
  workspace = vim.uv.fs_realpath(workspace)

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

  -- The shipped queries are the grammar's own, and the ones Neovim uses.
  for _, query in ipairs({ 'highlights', 'folds' }) do
    local shipped = read(repo .. '/editors/nvim/queries/article/' .. query .. '.scm')
    local grammar = read(repo .. '/grammar/queries/' .. query .. '.scm')
    check(shipped ~= nil and shipped == grammar,
      'editors/nvim/queries/article/' .. query .. '.scm equals grammar/queries/' .. query .. '.scm')
    local files = vim.treesitter.query.get_files('article', query)
    check(files[1] == repo .. '/editors/nvim/queries/article/' .. query .. '.scm',
      query .. ' query found on the runtime path')
  end
  local grammar_captures = {}
  for name in read(repo .. '/grammar/queries/highlights.scm'):gmatch('@([%w%._]+)') do
    grammar_captures[name] = true
  end
  local parsed, highlights = pcall(vim.treesitter.query.get, 'article', 'highlights')
  check(parsed and highlights ~= nil, 'the highlights query parses in this Neovim')
  if parsed and highlights then
    local loaded = {}
    for _, name in ipairs(highlights.captures) do
      loaded[name] = true
    end
    check(vim.deep_equal(loaded, grammar_captures), 'the highlight captures are the grammar query\'s: '
      .. table.concat(vim.tbl_keys(loaded), ' '))
    -- Each capture is drawn by the default colour scheme: `@a.b` falls back to `@a`.
    local undrawn = {}
    for name in pairs(loaded) do
      local group = name
      while group and vim.tbl_isempty(vim.api.nvim_get_hl(0, { name = '@' .. group, link = true })) do
        group = group:match('^(.*)%.[^.]*$')
      end
      if not group then
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
