// SPDX-License-Identifier: MIT
/*
 * PCI probe/remove and the module: binds to ivshmem-doorbell devices, keeps the ones whose
 * control page carries the Mica magic, brings up the shared core over the device and registers
 * the render node. Interrupts are MSI-X vector MICA_PCI_VEC_IRQ, handled in an IRQ thread: the
 * core's top half reads registers, which here is a mailbox round trip that may sleep.
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>

#include <drm/drm_drv.h>

#include "mica_linux.h"
#include "mica_pci.h"

static irqreturn_t mica_irq_thread(int irq, void *arg)
{
	struct mica_drm *md = arg;

	mica_irq_handler(&md->mdev);
	return IRQ_HANDLED;
}

static int mica_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mica_params params;
	struct mica_drm *md;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(MICA_PCI_BAR_IVSHMEM), "mica");
	if (ret)
		return ret;
	pci_set_master(pdev);
	/* SYSTEM leaves hold 48-bit bus addresses (userptr BOs, when the device has SYSTEM_DMA). */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(48));
	if (ret)
		return ret;
	md = devm_drm_dev_alloc(&pdev->dev, &mica_drm_driver, struct mica_drm, drm);
	if (IS_ERR(md))
		return PTR_ERR(md);
	pci_set_drvdata(pdev, md);
	ret = mica_hw_probe(&md->hw, pdev);
	if (ret)
		return ret;
	/* Whatever a previous driver instance left running is gone: fresh model, zeroed memory. */
	ret = mica_hw_reset(&md->hw);
	if (ret)
		return ret;
	ret = pci_alloc_irq_vectors(pdev, MICA_PCI_VECTORS, MICA_PCI_VECTORS, PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(&pdev->dev, "no MSI-X vectors (is the device ivshmem-doorbell?): %d\n",
			ret);
		return ret;
	}
	mica_params_from_module(&params);
	ret = mica_device_init(&md->mdev, &md->hw, &params);
	if (ret)
		goto err_vectors;
	md->irq = pci_irq_vector(pdev, MICA_PCI_VEC_IRQ);
	ret = request_threaded_irq(md->irq, NULL, mica_irq_thread, IRQF_ONESHOT, "mica", md);
	if (ret)
		goto err_core;
	ret = drm_dev_register(&md->drm, 0);
	if (ret)
		goto err_irq;
	mica_knobs_bind(&md->mdev);
	return 0;
err_irq:
	free_irq(md->irq, md);
err_core:
	mica_device_fini(&md->mdev);
err_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

/*
 * Module unload only: the render node's fops pin the module, so no file is open here. (Surprise
 * removal with open files is not supported: the core's fini needs every file closed.)
 */
static void mica_pci_remove(struct pci_dev *pdev)
{
	struct mica_drm *md = pci_get_drvdata(pdev);

	mica_knobs_unbind(&md->mdev);
	drm_dev_unregister(&md->drm);
	free_irq(md->irq, md);
	mica_device_fini(&md->mdev);
	pci_free_irq_vectors(pdev);
	/* Leave the device idle for the next driver instance. */
	mica_hw_reset(&md->hw);
}

static const struct pci_device_id mica_pci_ids[] = {
	{ PCI_DEVICE(MICA_PCI_VENDOR_ID, MICA_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, mica_pci_ids);

static struct pci_driver mica_pci_driver = {
	.name = "mica",
	.id_table = mica_pci_ids,
	.probe = mica_pci_probe,
	.remove = mica_pci_remove,
	.dev_groups = mica_dev_groups,
};
module_pci_driver(mica_pci_driver);

MODULE_DESCRIPTION("Mica compute accelerator (DRM render node)");
MODULE_LICENSE("Dual MIT/GPL");
