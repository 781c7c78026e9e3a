-- :checkhealth accord — the server binary and its version, the tree-sitter parser and
-- queries, running clients and their position encoding.
local M = {}

local function server_cmd()
  local config = vim.lsp.config and vim.lsp.config.accord
  if config and config.cmd and type(config.cmd) == 'table' then
    return config.cmd
  end
  return { 'accord', 'lsp' }
end

function M.check()
  local health = vim.health
  local accord = require('accord')

  health.start('accord: language server')
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim 0.11 or newer is needed for lsp/accord.lua')
  end
  local binary = server_cmd()[1]
  if vim.fn.executable(binary) == 1 then
    local result = vim.system({ binary, '--version' }, { text = true }):wait()
    local version = vim.trim(result.stdout or '')
    if result.code == 0 and version ~= '' then
      health.ok(('`%s` found: %s'):format(vim.fn.exepath(binary), version))
    else
      health.error(('`%s --version` failed: %s'):format(binary, result.stderr or ''))
    end
  else
    health.error(('`%s` is not executable'):format(binary), {
      'Install it with `cargo install --path .` in the accord repository',
      "or set the path: vim.lsp.config('accord', { cmd = { '/path/to/accord', 'lsp' } })",
    })
  end

  local clients = vim.lsp.get_clients({ name = 'accord' })
  if #clients == 0 then
    health.info('no accord client is running (open an .article file with vim.lsp.enable("accord"))')
  end
  for _, client in ipairs(clients) do
    local buffers = vim.tbl_keys(client.attached_buffers or {})
    health.ok(('client %d attached to %d buffer(s), root %s'):format(
      client.id, #buffers, tostring(client.root_dir or client.config.root_dir)))
    local encoding = client.offset_encoding
    if encoding == 'utf-8' or encoding == 'utf-16' then
      health.ok('position encoding: ' .. encoding)
    else
      health.warn('unexpected position encoding: ' .. tostring(encoding))
    end
  end

  health.start('accord: tree-sitter')
  local ok, info = pcall(vim.treesitter.language.inspect, 'article')
  if ok then
    health.ok(('parser `article` loaded (ABI %s) from %s'):format(
      tostring(info.abi_version), accord.options.parser_path))
  else
    health.warn('the parser `article` is not installed', {
      'Run :AccordBuildParser (needs a C compiler), or:',
      table.concat(accord.build_command(), ' '),
    })
  end
  for _, query in ipairs({ 'highlights', 'folds' }) do
    local files = vim.treesitter.query.get_files('article', query)
    if #files == 0 then
      health.error(('no queries/article/%s.scm on the runtime path'):format(query))
    elseif ok then
      local parsed, err = pcall(vim.treesitter.query.get, 'article', query)
      if parsed then
        health.ok(('%s query: %s'):format(query, table.concat(files, ', ')))
      else
        health.error(('%s query does not parse: %s'):format(query, tostring(err)))
      end
    else
      health.ok(('%s query found: %s'):format(query, table.concat(files, ', ')))
    end
  end
end

return M
