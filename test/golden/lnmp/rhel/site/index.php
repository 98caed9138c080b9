<?php
// Sample page from create-image's lnmp recipe: replace it with your application (--set app=<dir>).
declare(strict_types=1);

header('Content-Type: text/html; charset=utf-8');
$checks = [
    'PHP version' => PHP_VERSION,
    'Server API' => PHP_SAPI,
    'Computed by PHP' => '6 * 7 = ' . (6 * 7),
    'MySQL drivers' => extension_loaded('mysqli') || extension_loaded('pdo_mysql') ? 'installed' : 'not installed',
    'Time zone' => date_default_timezone_get() . ' / TZ=' . (getenv('TZ') ?: '(not set)'),
];
?>
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>lnmp</title></head>
<body>
<h1>PHP is running</h1>
<p>nginx passed this request to php-fpm in the <strong>lnmp</strong> container.</p>
<table>
<?php foreach ($checks as $name => $value): ?>
  <tr><th><?= htmlspecialchars($name) ?></th><td><?= htmlspecialchars((string) $value) ?></td></tr>
<?php endforeach; ?>
</table>
</body>
</html>
