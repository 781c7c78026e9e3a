-- accord for Neovim 0.11+: the tree-sitter parser of article files (build and
-- registration), highlighting and folds from the grammar's queries, and the
-- nvim-lspconfig form of the server configuration. The server configuration itself is
-- lsp/accord.lua, for vim.lsp.config/vim.lsp.enable.
local M = {}

--- This plugin's folder (editors/nvim).
local plugin_dir = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')

M.options = {
  -- The grammar sources: `grammar/` of the accord repository this plugin lives in.
  grammar_dir = vim.fs.normalize(plugin_dir .. '/../../grammar'),
  -- Where :AccordBuildParser writes the library. `site/parser` of the data folder is on
  -- 'runtimepath', so Neovim finds the parser there on its own too.
  parser_path = vim.fs.joinpath(vim.fn.stdpath('data'), 'site', 'parser', 'article.so'),
  -- The C compiler; $CC when set.
  cc = vim.env.CC or 'cc',
  -- Tree-sitter highlighting and folds in article buffers when the parser is there.
  highlight = true,
  folds = true,
}

--- The plugin's folder, which holds lsp/, queries/ and lua/.
function M.plugin_dir()
  return plugin_dir
end

--- The command that builds the parser library from the committed generated sources.
function M.build_command(opts)
  opts = vim.tbl_extend('force', M.options, opts or {})
  local src = vim.fs.joinpath(opts.grammar_dir, 'src')
  return {
    opts.cc, '-shared', '-fPIC', '-O2', '-I', src,
    vim.fs.joinpath(src, 'parser.c'), vim.fs.joinpath(src, 'scanner.c'),
    '-o', opts.parser_path,
  }
end

--- Builds the parser library (synchronously: a few seconds) and registers it.
--- Returns true, or false and the compiler's message.
function M.build_parser(opts)
  opts = vim.tbl_extend('force', M.options, opts or {})
  if vim.fn.filereadable(vim.fs.joinpath(opts.grammar_dir, 'src', 'parser.c')) == 0 then
    return false, 'no grammar sources in ' .. opts.grammar_dir .. ' (set grammar_dir in setup())'
  end
  vim.fn.mkdir(vim.fs.dirname(opts.parser_path), 'p')
  local result = vim.system(M.build_command(opts), { text = true }):wait()
  if result.code ~= 0 then
    return false, (result.stderr ~= '' and result.stderr or ('exit status ' .. result.code))
  end
  M.options.parser_path = opts.parser_path
  return M.register_parser()
end

--- Registers the parser library with Neovim for the `article` filetype.
--- Returns true, or false and why not.
function M.register_parser()
  local path = M.options.parser_path
  if vim.fn.filereadable(path) == 0 then
    return false, 'no parser at ' .. path .. ' (run :AccordBuildParser)'
  end
  local ok, loaded, err = pcall(vim.treesitter.language.add, 'article', { path = path })
  if not ok or not loaded then
    return false, tostring(ok and err or loaded)
  end
  vim.treesitter.language.register('article', 'article')
  return true
end

--- Starts tree-sitter highlighting and folds in an article buffer.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not pcall(vim.treesitter.language.inspect, 'article') then
    return false
  end
  if M.options.highlight then
    pcall(vim.treesitter.start, bufnr, 'article')
  end
  if M.options.folds then
    for _, win in ipairs(vim.fn.win_findbuf(bufnr)) do
      vim.wo[win][0].foldmethod = 'expr'
      vim.wo[win][0].foldexpr = 'v:lua.vim.treesitter.foldexpr()'
      vim.wo[win][0].foldlevel = 99
    end
  end
  return true
end

--- The nvim-lspconfig form of lsp/accord.lua, for
--- `require('lspconfig.configs').accord = { default_config = require('accord').lspconfig() }`.
function M.lspconfig()
  local config = dofile(vim.fs.joinpath(plugin_dir, 'lsp', 'accord.lua'))
  return {
    cmd = config.cmd,
    filetypes = config.filetypes,
    root_dir = function(fname)
      return vim.fs.root(fname, config.root_markers)
    end,
    commands = config.commands,
    single_file_support = true,
  }
end

--- Sets options, registers the parser when it is built, and attaches to article
--- buffers as they open.
function M.setup(opts)
  M.options = vim.tbl_extend('force', M.options, opts or {})
  M.register_parser()
  local group = vim.api.nvim_create_augroup('accord', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'article',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
end

return M
