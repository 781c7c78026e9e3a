-- Drives the language server from a headless Neovim with the shipped configuration
-- (editors/nvim): opens example articles in a temporary copy of examples/, waits for
-- the client to attach and diagnostics to arrive, and checks hover, go to definition
-- into another file and semantic tokens. Exits non-zero on any failure.
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

  -- Code lenses run through the shipped client-side command.
  local lenses = request(annotated, 'textDocument/codeLens', { textDocument = { uri = uri } }) or {}
  local lens
  for _, candidate in ipairs(lenses) do
    local arguments = candidate.command and candidate.command.arguments
    if arguments and #(arguments[3] or {}) > 0 then
      lens = candidate
      break
    end
  end
  if check(lens ~= nil, 'a code lens with mentions: ' .. #lenses .. ' lenses') then
    local handler = client.config.commands['accord.showReferences']
    handler(lens.command, { client_id = client.id, bufnr = annotated })
    check(#vim.fn.getqflist() == #lens.command.arguments[3],
      'the lens lists its mentions: ' .. lens.command.title)
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
